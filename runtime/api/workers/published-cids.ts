/**
 * Keeps a worker's CID directory table (cid-directory.ts) in step with its listener: a CID is published at
 * `connectionIdIssued` (before its flight leaves), withdrawn at `connectionIdRetired` and the session's end.
 */
import type { ConnectionIdObserver } from '../listener-admission.js';
import type { CidDirectory } from './cid-directory.js';

/** Publishes the CIDs of every session `listener` makes from now on. */
export function publishConnectionIds(
  listener: { onConnectionIds(observer: ConnectionIdObserver): void },
  directory: CidDirectory,
): void {
  listener.onConnectionIds({
    issued: (cid) => directory.add(cid),
    retired: (cid) => directory.remove(cid),
  });
}
