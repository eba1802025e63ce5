import { createServer as createTcpServer, connect as tcpConnect } from 'node:net';
import { createWebSocketInspector } from '@statelyai/inspect';
import { createInspectorServer } from '@statelyai/inspect/server';
import type { InspectionEvent } from 'xstate';
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

/** Resolves once something accepts TCP connections on 127.0.0.1:`port`. */
async function listening(port: number, attempts = 100): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = tcpConnect({ host: '127.0.0.1', port }, () => (s.end(), resolve(true)));
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new CliUsageError(`--inspect=${port}: the inspector server did not start listening`);
}

/** Fails with a usage error naming the option when `port` is taken (the inspector server would otherwise die on EADDRINUSE). */
async function ensureFree(port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const probe = createTcpServer();
    probe.once('error', (e) => reject(new CliUsageError(`--inspect=${port}: ${e.message}`)));
    probe.listen(port, () => probe.close(() => resolve()));
  });
}

/**
 * Starts @statelyai/inspect's inspector server on `port` (a WebSocket relay
 * plus a bridge page for the browser) and a WebSocket inspector that streams
 * the charts' inspection events to it. Chart contexts and events are reduced
 * to their primitive fields before they leave the process, so no secret does.
 */
export async function startInspector(port: number): Promise<ChartInspector> {
  await ensureFree(port);
  const server = createInspectorServer({ port, autoOpen: false });
  await listening(port);
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
      server.stop();
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
