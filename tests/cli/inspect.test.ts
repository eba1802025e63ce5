import test from 'ava';
import { spawn, type ChildProcess } from 'node:child_process';
import { connect as tcpConnect, createServer } from 'node:net';
import { networkInterfaces } from 'node:os';
import WebSocket from 'ws';
import { makeIdentity } from '../support/pki-fixtures.js';
import { freePort, writePem } from '../interop/wolfssl.js';
import { CLI_ARGS } from './cli-process.js';

const serverId = makeIdentity('p256', 'localhost', { at: Date.now() });
const pem = writePem(serverId);
test.after.always(() => pem.remove());

interface Run {
  readonly child: ChildProcess;
  readonly done: Promise<{ code: number | null; stdout: string; stderr: string }>;
  /** Resolves with the output so far once `pattern` appears on stdout or stderr. */
  readonly output: (pattern: RegExp) => Promise<string>;
}

function dtls13(args: readonly string[]): Run {
  const child = spawn(process.execPath, [...CLI_ARGS, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const waiters: { pattern: RegExp; resolve: (s: string) => void }[] = [];
  const check = (): void => {
    for (const w of [...waiters]) {
      if (w.pattern.test(stdout) || w.pattern.test(stderr)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(stdout + stderr);
      }
    }
  };
  child.stdout!.on('data', (d: Buffer) => ((stdout += d.toString()), check()));
  child.stderr!.on('data', (d: Buffer) => ((stderr += d.toString()), check()));
  child.stdin!.end();
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
  const output = (pattern: RegExp): Promise<string> =>
    new Promise((resolve, reject) => {
      waiters.push({ pattern, resolve });
      check();
      void done.then((r) => reject(new Error(`exited ${r.code} before ${pattern}: ${r.stdout}${r.stderr}`)));
    });
  return { child, done, output };
}

async function freeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

interface Seen {
  /** Chart id → the session ids of its actors. */
  readonly actors: Map<string, string[]>;
  /** Session id → the state values its snapshots showed, consecutive repeats folded. */
  readonly states: Map<string, string[]>;
  readonly contexts: Record<string, unknown>[];
}

/**
 * Connects to the inspector server as a viewer would and collects what it
 * relays until `done(seen)` holds; fails after 60 s.
 */
function watch(port: number, done: (seen: Seen) => boolean): Promise<Seen> {
  const seen: Seen = { actors: new Map(), states: new Map(), contexts: [] };
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}`);
    const timer = setTimeout(
      () => (ws.close(), reject(new Error(`inspector relayed only ${JSON.stringify([...seen.states])}`))),
      60_000,
    );
    ws.on('error', reject);
    ws.on('message', (raw: WebSocket.RawData) => {
      const e = JSON.parse(raw.toString()) as {
        type: string;
        name?: string;
        sessionId: string;
        snapshot?: { value?: unknown; context?: Record<string, unknown> };
      };
      if (e.type === '@xstate.actor' && e.name)
        seen.actors.set(e.name, [...(seen.actors.get(e.name) ?? []), e.sessionId]);
      if (e.type === '@xstate.snapshot' && e.snapshot) {
        const value = JSON.stringify(e.snapshot.value);
        const states = seen.states.get(e.sessionId) ?? [];
        if (states.at(-1) !== value) states.push(value);
        seen.states.set(e.sessionId, states);
        if (e.snapshot.context) seen.contexts.push(e.snapshot.context);
      }
      if (done(seen)) {
        clearTimeout(timer);
        ws.close();
        resolve(seen);
      }
    });
  });
}

const statesOf = (seen: Seen, chart: string): string[][] =>
  (seen.actors.get(chart) ?? []).map((id) => seen.states.get(id) ?? []);
const reached = (seen: Seen, chart: string, state: string): boolean =>
  statesOf(seen, chart).some((s) => s.includes(JSON.stringify(state)));
const onlyPrimitives = (ctx: Record<string, unknown>): boolean =>
  Object.values(ctx).every((v) => ['string', 'number', 'boolean'].includes(typeof v));

test('dtls13 demo --inspect streams both handshake charts to the inspector server; a viewer sees the path the demo printed', async (t) => {
  const port = await freeTcpPort();
  const demo = dtls13(['demo', `--inspect=${port}`]);
  t.teardown(() => demo.child.kill('SIGKILL'));
  await demo.output(/inspector: open http:\/\/localhost:\d+/);
  const seen = await watch(port, (s) => reached(s, 'dtls13-client', 'closed') && reached(s, 'dtls13-server', 'closed'));
  const out = await demo.output(/still serving/);
  demo.child.kill('SIGINT');
  const r = await demo.done;
  t.is(r.code, 0, r.stderr);

  t.is(seen.actors.get('dtls13-client')?.length, 1);
  t.is(
    seen.actors.get('dtls13-server')?.length,
    1,
    'one server chart: option validation must not show up as a connection',
  );
  t.true((seen.actors.get('dtls13-flight')?.length ?? 0) >= 2, 'the retransmission charts are streamed too');
  const printed = (side: string): string[] =>
    (new RegExp(`${side} chart: (.*)`).exec(out)?.[1] ?? '').split(' → ').map((s) => JSON.stringify(s));
  const [client] = statesOf(seen, 'dtls13-client');
  const [server] = statesOf(seen, 'dtls13-server');
  t.deepEqual(client?.slice(0, client.indexOf('"connected"') + 1), printed('client'));
  t.deepEqual(server?.slice(0, server.indexOf('"connected"') + 1), printed('server'));
  t.true(
    seen.contexts.length > 0 && seen.contexts.every(onlyPrimitives),
    'contexts reach the inspector reduced to primitive fields (no key material)',
  );
});

test('the inspector server listens on loopback only', async (t) => {
  const outside = Object.values(networkInterfaces())
    .flat()
    .find((a) => a !== undefined && a.family === 'IPv4' && !a.internal)?.address;
  const port = await freeTcpPort();
  const demo = dtls13(['demo', `--inspect=${port}`]);
  t.teardown(() => demo.child.kill('SIGKILL'));
  await demo.output(/still serving/);
  const reach = (host: string): Promise<string> =>
    new Promise((resolve) => {
      const s = tcpConnect({ host, port }, () => (s.end(), resolve('connected')));
      s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    });
  t.is(await reach('127.0.0.1'), 'connected');
  if (outside === undefined) t.log('this machine has no non-loopback IPv4 address to try');
  else t.is(await reach(outside), 'ECONNREFUSED', `not reachable on ${outside}`);
  demo.child.kill('SIGINT');
  t.is((await demo.done).code, 0);
});

test('dtls13 server --inspect and dtls13 client --inspect each stream their own chart', async (t) => {
  const [serverInspect, clientInspect] = [await freeTcpPort(), await freeTcpPort()];
  const udp = await freePort();
  const server = dtls13([
    'server',
    '--listen',
    `127.0.0.1:${udp}`,
    '--cert',
    pem.cert,
    '--key',
    pem.key,
    '--echo',
    `--inspect=${serverInspect}`,
  ]);
  await server.output(/listening on/);
  const serverSeen = watch(serverInspect, (s) => reached(s, 'dtls13-server', 'connected'));
  const client = dtls13([
    'client',
    '--connect',
    `127.0.0.1:${udp}`,
    '--ca',
    pem.ca,
    '--servername',
    'localhost',
    '--message',
    'watched',
    '--replies',
    '1',
    `--inspect=${clientInspect}`,
  ]);
  t.teardown(() => (client.child.kill('SIGKILL'), server.child.kill('SIGKILL')));
  await client.output(/inspector: open/);
  const clientSeen = await watch(clientInspect, (s) => reached(s, 'dtls13-client', 'connected'));
  await client.output(/still serving/);
  client.child.kill('SIGINT');
  const c = await client.done;
  t.is(c.code, 0, c.stderr);
  t.is(c.stdout, 'watched\n');
  t.false(clientSeen.actors.has('dtls13-server'), "the client's inspector shows only the client's charts");
  t.true((await serverSeen).actors.has('dtls13-server'));
  server.child.kill('SIGTERM');
  t.is((await server.done).code, 0);
});

test('--inspect with a port in use or not a port is a usage error naming the option', async (t) => {
  const busy = createServer();
  await new Promise<void>((resolve) => busy.listen(0, () => resolve()));
  const a = busy.address();
  const port = typeof a === 'object' && a ? a.port : 0;
  try {
    const r = await dtls13(['demo', `--inspect=${port}`]).done;
    t.is(r.code, 2);
    t.regex(r.stderr, new RegExp(`--inspect=${port}: .*EADDRINUSE`));
    const bad = await dtls13(['demo', '--inspect=http']).done;
    t.is(bad.code, 2);
    t.regex(bad.stderr, /--inspect takes a TCP port/);
    // A bad file is reported and the process ends: the inspector must not keep it alive.
    const free = await freeTcpPort();
    const client = await dtls13(['client', '--connect', '127.0.0.1:9', '--ca', '/nonexistent.pem', `--inspect=${free}`])
      .done;
    t.is(client.code, 2);
    t.regex(client.stderr, /--ca/);
    const server = await dtls13([
      'server',
      '--listen',
      '127.0.0.1:0',
      '--cert',
      '/nonexistent.pem',
      '--key',
      pem.key,
      `--inspect=${free}`,
    ]).done;
    t.is(server.code, 2);
    t.regex(server.stderr, /--cert/);
  } finally {
    busy.close();
  }
});
