/**
 * Keeps a worker's table of the CID directory (cid-directory.ts) in step with its server: every CID a session issues is
 * published when the session's `connectionIdIssued` event comes (in the same synchronous step of the endpoint that
 * sends the flight carrying it), withdrawn at `connectionIdRetired` and when the session ends. The server's own map
 * (server.ts) stays what routes records; the directory only answers other workers asking whether to hand a record over.
 */
import type { DtlsUdpServer } from '../../server.js';
import type { CidDirectory } from './cid-directory.js';

/** Publishes the CIDs of every session `server` makes from now on. */
export function publishConnectionIds(server: DtlsUdpServer | undefined, directory: CidDirectory): void {
  server?.onConnection((endpoint) => {
    const held = new Map<string, Uint8Array>();
    const unsubscribe = endpoint.onEvent((e) => {
      if (e.type === 'connectionIdIssued') {
        const cid = e.cid.slice();
        held.set(key(cid), cid);
        directory.add(cid);
      } else if (e.type === 'connectionIdRetired') {
        const k = key(e.cid);
        const cid = held.get(k);
        if (cid === undefined) return;
        held.delete(k);
        directory.remove(cid);
      }
    });
    void endpoint.closed.then(() => {
      unsubscribe();
      for (const cid of held.values()) directory.remove(cid);
      held.clear();
    });
  });
}

function key(cid: Uint8Array): string {
  return Buffer.from(cid.buffer, cid.byteOffset, cid.length).toString('latin1');
}
