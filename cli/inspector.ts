import { createWebSocketInspector } from '@statelyai/inspect';
import type { InspectionEvent } from 'xstate';
import { startInspectorRelay } from './inspector-relay.js';

/** A running chart inspector: pass `inspect` to connections; open `url` in a browser. */
export interface ChartInspector {
  readonly port: number;
  /** The bridge page served on localhost; it embeds the Stately inspector and feeds it the events. */
  readonly url: string;
  readonly inspect: (event: InspectionEvent) => void;
  close(): void;
}

/** How long inspection events wait to be sent together, in ms. */
const BATCH_MS = 25;

/** A snapshot event with its context reduced now: sent later, it must show the context as it was. */
function reducedNow(event: InspectionEvent): InspectionEvent {
  if (event.type !== '@xstate.snapshot') return event;
  const snapshot = event.snapshot as { context?: unknown };
  if (typeof snapshot.context !== 'object' || snapshot.context === null) return event;
  return {
    ...event,
    snapshot: { ...event.snapshot, context: primitiveFields(snapshot.context) } as unknown as typeof event.snapshot,
  };
}

/**
 * Keeps only a value's string, number and boolean fields: what the inspector
 * shows, and no key material (secrets are byte arrays). A chart actor's
 * context is the binding `{ context, implementation }` of the shared
 * machine; its own `context` is what is shown.
 */
function primitiveFields<T extends object>(value: T): T {
  const out: Record<string, unknown> = {};
  const inner: unknown = 'implementation' in value && 'context' in value ? value.context : value;
  if (typeof inner !== 'object' || inner === null) return out as T;
  for (const [k, v] of Object.entries(inner)) {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = v;
  }
  return out as T;
}

/**
 * Starts the inspector server on 127.0.0.1:`port` (a WebSocket relay plus a
 * bridge page for the browser, inspector-relay.ts) and @statelyai/inspect's
 * WebSocket inspector, which streams the charts' inspection events to it.
 * Chart contexts and events are reduced to their primitive fields before
 * they leave the process, so no secret does.
 */
export async function startInspector(port: number): Promise<ChartInspector> {
  const relay = await startInspectorRelay(port);
  const inspector = createWebSocketInspector({
    url: `ws://127.0.0.1:${port}`,
    maxDeferredEvents: 10_000,
    sanitizeContext: primitiveFields,
    sanitizeEvent: primitiveFields,
  });
  const next = inspector.inspect.next?.bind(inspector.inspect);
  // Off the hot path: an event is reduced at once (the context's primitive fields as they are now) and queued; the
  // serialization and the WebSocket send happen in batches a little later, between the connection's own work.
  const queue: InspectionEvent[] = [];
  let timer: NodeJS.Timeout | undefined;
  const flush = (): void => {
    timer = undefined;
    for (const e of queue.splice(0)) next?.(e);
  };
  return {
    port,
    url: `http://localhost:${port}`,
    inspect: (event) => {
      queue.push(reducedNow(event));
      timer ??= setTimeout(flush, BATCH_MS);
    },
    close: () => {
      if (timer !== undefined) clearTimeout(timer);
      flush();
      inspector.stop();
      void relay.close();
    },
  };
}
