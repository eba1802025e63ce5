import { parseArgs } from 'node:util';
import type { InspectionEvent } from 'xstate';
import { performance } from 'node:perf_hooks';
import {
  connect,
  createThrowawayIdentity,
  listen,
  NATIVE_DISABLED_BY_ENV,
  nativeUnavailableReason,
} from './runtime.js';
import { inspectPort, interrupted, withInspectDefault } from './inspect-option.js';
import type { ChartInspector } from './inspector.js';
import { inspectorModule, installed } from './optional-packages.js';
import { CliUsageError } from './usage-error.js';

const DAY = 24 * 3600 * 1000;

/** Records the states a chart passes through, from XState inspection events, and passes every event on to the inspector if there is one. */
function chartPath(
  chartId: string,
  inspector: ChartInspector | undefined,
): { inspect?: (e: InspectionEvent) => void; path: string[] } {
  const path: string[] = [];
  // The paths come from XState's copy of the chart: without xstate (an optional peer dependency), none.
  if (!installed('xstate')) return { path };
  return {
    path,
    inspect: (e: InspectionEvent) => {
      inspector?.inspect(e);
      if (e.type !== '@xstate.snapshot' || (e.actorRef as { logic?: { id?: string } }).logic?.id !== chartId) return;
      const value: unknown = (e.snapshot as { value?: unknown }).value;
      if (value === undefined) return;
      const state = typeof value === 'string' ? value : JSON.stringify(value);
      if (path.at(-1) !== state) path.push(state);
    },
  };
}

/**
 * `dtls13 demo`: a throwaway CA and server certificate, a server and a
 * client on loopback over real UDP; prints what was negotiated, the chart
 * paths, the handshake time and a message round trip.
 */
export async function runDemo(argv: readonly string[]): Promise<number> {
  let port: number | undefined;
  try {
    port = inspectPort(
      parseArgs({ args: withInspectDefault(argv), options: { inspect: { type: 'string' } }, strict: true }).values
        .inspect,
    );
  } catch (e) {
    throw e instanceof CliUsageError ? e : new CliUsageError(e instanceof Error ? e.message : String(e));
  }
  const out = (line: string): boolean => process.stdout.write(`${line}\n`);
  const inspector = port === undefined ? undefined : await (await inspectorModule()).startInspector(port);
  if (inspector)
    out(
      `inspector: open ${inspector.url} in a browser to watch the handshake charts live (works offline; the Stately inspector is at /stately)`,
    );
  try {
    const code = await demo(out, inspector);
    if (inspector) {
      const stop = interrupted(); // listening before saying so: a Ctrl-C right after the line must not kill the process
      out(`inspector: still serving ${inspector.url}; press Ctrl-C to exit`);
      await stop;
    }
    return code;
  } finally {
    inspector?.close();
  }
}

/** A chart's path, or what to install to see it. */
function chartLine(path: readonly string[]): string {
  return path.length > 0
    ? path.join(' → ')
    : '(the path needs xstate, an optional peer dependency: npm install xstate)';
}

/** Which crypto runs: the native addon, or why not and what its absence costs (an npm install may skip building it). */
function cryptoLine(): string {
  if (nativeUnavailableReason === undefined) return 'crypto: the native addon (OpenSSL record path, batched UDP I/O)';
  const cost = `crypto: node:crypto, without the native addon (${nativeUnavailableReason}): records are sealed and opened about 3-5 times slower and datagrams go out one node:dgram call each`;
  return NATIVE_DISABLED_BY_ENV
    ? cost
    : `${cost}; to build it: a C compiler, make and Python 3, then node node_modules/dtls13/native/build.mjs`;
}

async function demo(out: (line: string) => void, inspector: ChartInspector | undefined): Promise<number> {
  const id = createThrowawayIdentity({ serverName: 'localhost', caName: 'dtls13 demo CA', validityMs: DAY });
  out('dtls13 demo: a throwaway CA and server certificate (ECDSA P-256), a server and a client on loopback over UDP');
  out(cryptoLine());

  const serverChart = chartPath('dtls13-server', inspector);
  const server = listen((session) => (session.onmessage = (data) => session.send(data)), {
    cert: [...id.chain],
    key: id.privateKey,
    host: '127.0.0.1',
    ...(serverChart.inspect ? { inspect: serverChart.inspect } : {}),
  });
  const address = await server.listening;
  out(`server: listening on ${address.address}:${address.port}, stateless cookie exchange on`);

  const clientChart = chartPath('dtls13-client', inspector);
  const client = connect('127.0.0.1', address.port, {
    ca: id.caDer,
    servername: 'localhost',
    ...(clientChart.inspect ? { inspect: clientChart.inspect } : {}),
  });
  try {
    await client.opened;
    const p = client.parameters!;
    out(
      `negotiated: ${p.cipherSuite}, ${p.group}, ${p.signatureAlgorithm}${p.helloRetryRequest ? ', after a HelloRetryRequest with a cookie' : ''}`,
    );
    out(`client chart: ${chartLine(clientChart.path)}`);
    const stats = client.stats;
    out(
      `handshake: ${stats.connectionStats?.handshakeDuration?.toFixed(1) ?? '?'} ms (ClientHello sent to handshake complete), ${stats.datagramsSent} datagrams sent, ${stats.datagramsReceived} received, ${stats.retransmitCount} retransmissions`,
    );
    const message = 'hello over DTLS 1.3';
    const reply = new Promise<Buffer>((resolve) => (client.onmessage = resolve));
    const sentAt = performance.now();
    client.send(message);
    const echo = (await reply).toString('utf8');
    out(`round trip: sent '${message}', the server echoed '${echo}' in ${(performance.now() - sentAt).toFixed(2)} ms`);
    out(`server chart: ${chartLine(serverChart.path)}`);
    await client.close();
    out('closed with close_notify');
    return echo === message ? 0 : 1;
  } finally {
    await server.close();
  }
}
