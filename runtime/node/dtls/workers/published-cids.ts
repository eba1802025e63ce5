/**
 * Keeps a worker's table of the CID directory (cid-directory.ts) in step with its listener: every CID a session issues is
 * published when the session's `connectionIdIssued` event comes (in the same synchronous step of the session that
 * sends the flight carrying it), withdrawn at `connectionIdRetired` and when the session ends. The listener's own map
 * (its transport) stays what routes records; the directory only answers other workers asking whether to hand a record over.
 */
import type { ListenerAdmission } from '../listener-admission.js';
import type { CidDirectory } from './cid-directory.js';

/** Publishes the CIDs of every session `listener` makes from now on. */
export function publishConnectionIds(listener: ListenerAdmission, directory: CidDirectory): void {
  listener.onConnectionIds({
    issued: (cid) => directory.add(cid),
    retired: (cid) => directory.remove(cid),
  });
}
