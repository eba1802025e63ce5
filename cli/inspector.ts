import { createWebSocketInspector } from '@statelyai/inspect';
import type { InspectionEvent } from 'xstate';
import { startInspectorRelay } from './inspector-relay.js';
import { CliUsageError } from './usage-error.js';

/** The port `--inspect` uses when none is given (@statelyai/inspect's own default). */
export const DEFAULT_INSPECT_PORT = 8080;

/** A running chart inspector: pass `inspect` to connections; open `url` in a browser. */
export interface ChartInspector {
  readonly port: number;
  /** The bridge page served on localhost; it embeds the Stately inspector and feeds it the events. */
  readonly url: string;
  readonly inspect: (event: InspectionEvent) => void;
  close(): void;
}

/**
 * `--inspect` and `--inspect=PORT`: node:util's parseArgs has no optional
 * values, so the bare flag is rewritten to carry the default port.
 */
export function withInspectDefault(argv: readonly string[]): string[] {
  return argv.map((a) => (a === '--inspect' ? `--inspect=${DEFAULT_INSPECT_PORT}` : a));
}

/** Parses the `--inspect` value: a TCP port number. */
export function inspectPort(value: string | boolean | undefined): number | undefined {
  if (value === undefined || value === false) return undefined;
  const port = Number(value);
  if (typeof value !== 'string' || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new CliUsageError(`--inspect takes a TCP port (1-65535), got '${String(value)}'`);
  }
  return port;
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
  return {
    port,
    url: `http://localhost:${port}`,
    inspect: (event) => next?.(event),
    close: () => {
      inspector.stop();
      void relay.close();
    },
  };
}

/** Resolves on SIGINT or SIGTERM. */
export function interrupted(): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
