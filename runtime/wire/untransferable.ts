/**
 * Marks an ArrayBuffer the runtime shares (between sessions: outgoing slabs; between messages: 'batch' arenas) as
 * untransferable, as Node marks its own Buffer pool: listed in a transfer list (`postMessage`, `structuredClone`) it is
 * then copied (Node 20) or refused with a DataCloneError (Node 21 and later) instead of being detached under every other
 * user of it. `ArrayBuffer.prototype.transfer` ignores the mark on some Node releases: readers still check for
 * detachment. Through `process.getBuiltinModule` (Node 20.16 and later), so the core imports nothing from Node; where
 * there is no such function (a browser, an older Node) it does nothing.
 */
export function markUntransferable(buffer: ArrayBuffer): void {
  mark?.(buffer);
}

interface WorkerThreadsPart {
  readonly markAsUntransferable?: (object: object) => void;
}

const mark = ((): ((object: object) => void) | undefined => {
  const host = (globalThis as { readonly process?: { readonly getBuiltinModule?: (id: string) => unknown } }).process;
  const threads = host?.getBuiltinModule?.('node:worker_threads') as WorkerThreadsPart | undefined;
  return threads?.markAsUntransferable;
})();
