/**
 * Keeps a worker's table of the CID directory (cid-directory.ts) in step with its server: every CID a session issues is
 * published when the session's `connectionIdIssued` event comes (in the same synchronous step of the session that
 * sends the flight carrying it), withdrawn at `connectionIdRetired` and when the session ends. The server's own map
 * (server.ts) stays what routes records; the directory only answers other workers asking whether to hand a record over.
 */
import type { DtlsUdpServer } from '../../server.js';
import type { CidDirectory } from './cid-directory.js';

/** Publishes the CIDs of every session `server` makes from now on. */
export function publishConnectionIds(server: DtlsUdpServer | undefined, directory: CidDirectory): void {
  server?.onConnectionIds({
    issued: (cid) => directory.add(cid),
    retired: (cid) => directory.remove(cid),
  });
}
