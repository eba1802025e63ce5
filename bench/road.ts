import { Session } from 'node:inspector/promises';
import { Session as SyncSession } from 'node:inspector';
import { fileURLToPath } from 'node:url';
import { relative } from 'node:path';
import { connect, listen } from '../runtime/index.js';
import { certificateToPem, privateKeyToPem } from '../runtime/pki/pem.js';
import { createThrowawayIdentity } from '../runtime/pki/throwaway-identity.js';

/**
 * The road a datagram takes: over `n` echo round trips between a `connect` client and a `listen` server in
 * one process (client send, server receive, server send, client receive, over loopback UDP), the distinct functions
 * of the package (runtime/, generated/) that ran, the calls per round trip, the files they sit in, and the files on
 * the receive stack (from the socket's callback to `onmessage`, read from one stack trace). V8's precise coverage with
 * call counts, taken after the handshake and a warm-up, so only the data path is counted. And the frames from the
 * socket's callback to the statement that queues a record's data as an event, read at a breakpoint there.
 */
export interface Road {
  readonly version: 'DTLSv1.3' | 'DTLSv1.2';
  readonly roundTrips: number;
  readonly functions: number;
  readonly files: number;
  readonly callsPerRoundTrip: number;
  readonly receiveStackFiles: readonly string[];
  /**
   * The frames of the package (runtime/, generated/) from the socket's callback to the push of a record's data as a
   * `data` event, innermost first (`file:function`): the server's receive of one echo, read at a breakpoint.
   */
  readonly eventFrames: readonly string[];
  /** Each function that ran (`file:name`) and its calls per round trip. */
  readonly calls: ReadonlyMap<string, number>;
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OURS = /^(runtime|generated)\//;

function ourFile(location: string): string | undefined {
  const path = relative(ROOT, location.startsWith('file://') ? fileURLToPath(location) : location);
  return OURS.test(path) ? path : undefined;
}

/** The whole stack here (not V8's default 10 frames). */
function deepStack(): string {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 100;
  const stack = new Error('stack').stack ?? '';
  Error.stackTraceLimit = limit;
  return stack;
}

/**
 * The statement that queues a record's data as an event, as the transpiled source spells it (tsx puts a module on
 * one line without spaces; the breakpoint goes at the column where the statement starts).
 */
const DATA_EVENT = /events\.push\([^;]*?type:\s*["']data["'],\s*data:/g;

/**
 * Arms a breakpoint on the line that queues a `data` event (found in the loaded scripts' sources, so it follows the
 * code wherever it moves) and returns what the first hit's stack holds of the package. The session is the main
 * thread's own, so the pause is answered synchronously inside the `Debugger.paused` listener.
 */
function armEventBreakpoint(): { frames: () => readonly string[]; disarm: () => void } {
  const session = new SyncSession();
  session.connect();
  const scripts = new Map<string, string>(); // script id to the package file it is
  session.on('Debugger.scriptParsed', (m) => {
    const file = ourFile(m.params.url);
    if (file !== undefined) scripts.set(m.params.scriptId, file);
  });
  let frames: readonly string[] = [];
  session.on('Debugger.paused', (m) => {
    if (frames.length === 0)
      frames = m.params.callFrames
        .map((f) => {
          const file = scripts.get(f.location.scriptId);
          return file === undefined ? undefined : `${file}:${f.functionName || '(anonymous)'}`;
        })
        .filter((f): f is string => f !== undefined);
    session.post('Debugger.resume');
  });
  session.post('Debugger.enable');
  for (const [id, file] of scripts)
    if (file.startsWith('runtime/'))
      session.post('Debugger.getScriptSource', { scriptId: id }, (error, source) => {
        if (error !== null) return;
        source.scriptSource.split('\n').forEach((line, lineNumber) => {
          for (const m of line.matchAll(DATA_EVENT))
            session.post('Debugger.setBreakpoint', { location: { scriptId: id, lineNumber, columnNumber: m.index } });
        });
      });
  return {
    frames: () => frames,
    disarm: () => {
      session.post('Debugger.disable');
      session.disconnect();
    },
  };
}

async function road(version: Road['version'], n: number): Promise<Road> {
  const id = createThrowawayIdentity({ serverName: 'road.test', caName: 'road CA' });
  const cert = id.chain.map((c) => certificateToPem(c)).join('');
  const key = privateKeyToPem(id.privateKey);
  let stack = '';
  const listener = listen(
    (s) => {
      s.onmessage = (m) => {
        if (stack === '') stack = deepStack();
        s.send(m);
      };
    },
    { cert, key, host: '127.0.0.1', port: 0, maxVersion: version, minVersion: version },
  );
  const { port } = await listener.listening;
  const session = connect('127.0.0.1', port, { ca: certificateToPem(id.caDer), servername: 'road.test' });
  await session.opened;
  let resolveReply: () => void = () => undefined;
  session.onmessage = () => resolveReply();
  const payload = new Uint8Array(100);
  const echo = (): Promise<void> =>
    new Promise((resolve) => {
      resolveReply = resolve;
      session.send(payload);
    });
  for (let i = 0; i < 200; i++) await echo(); // warm-up: first-call paths out of the window
  const breakpoint = armEventBreakpoint();
  await echo();
  breakpoint.disarm();
  const eventFrames = breakpoint.frames();
  stack = '';
  const inspector = new Session();
  inspector.connect();
  await inspector.post('Profiler.enable');
  await inspector.post('Profiler.startPreciseCoverage', { callCount: true, detailed: false });
  await inspector.post('Profiler.takePreciseCoverage'); // resets the counts
  for (let i = 0; i < n; i++) await echo();
  const { result } = await inspector.post('Profiler.takePreciseCoverage');
  await inspector.post('Profiler.stopPreciseCoverage');
  inspector.disconnect();
  await session.close();
  await listener.close();

  const functions = new Set<string>();
  const files = new Set<string>();
  const perFunction = new Map<string, number>();
  let calls = 0;
  for (const script of result) {
    const file = ourFile(script.url);
    if (file === undefined) continue;
    for (const f of script.functions) {
      const count = f.ranges[0]?.count ?? 0;
      if (count === 0 || f.ranges[0]?.startOffset === 0) continue; // offset 0: the module's own top level
      functions.add(`${file}:${f.functionName}:${f.ranges[0]?.startOffset}`);
      const name = `${file}:${f.functionName || '(anonymous)'}`;
      perFunction.set(name, (perFunction.get(name) ?? 0) + count / n);
      files.add(file);
      calls += count;
    }
  }
  const receiveStackFiles = [
    ...new Set(
      stack
        .split('\n')
        .map((line) => /\(([^()]+?):\d+:\d+\)$|^at ([^ ()]+?):\d+:\d+$/.exec(line.trim()))
        .map((m) => (m === null ? undefined : ourFile(m[1] ?? m[2] ?? '')))
        .filter((f): f is string => f !== undefined),
    ),
  ];
  return {
    version,
    roundTrips: n,
    functions: functions.size,
    files: files.size,
    callsPerRoundTrip: calls / n,
    receiveStackFiles,
    eventFrames,
    calls: perFunction,
  };
}

/**
 * `npm run bench -- road`: the counts for both versions, one line each, with the server's receive stack; with
 * `DTLS13_ROAD_LIST=1` also every function that ran, by file, with its calls per round trip (what to shorten next).
 */
export async function benchRoad(print: (line: string) => void, n = 2000): Promise<readonly Road[]> {
  print(`road: distinct package functions per echo round trip (V8 precise coverage, ${n} round trips)`);
  const roads: Road[] = [];
  for (const version of ['DTLSv1.3', 'DTLSv1.2'] as const) {
    const r = await road(version, n);
    roads.push(r);
    print(
      `  ${version}: ${r.functions} functions in ${r.files} files, ${r.callsPerRoundTrip.toFixed(0)} calls per round trip; ` +
        `receive stack to onmessage: ${r.receiveStackFiles.length} files (${r.receiveStackFiles.join(' < ')})`,
    );
    const eventFiles = new Set(r.eventFrames.map((f) => f.slice(0, f.lastIndexOf(':'))));
    print(
      `    socket callback to the data event: ${r.eventFrames.length} frames in ${eventFiles.size} files ` +
        `(${r.eventFrames.join(' < ')})`,
    );
    if (process.env.DTLS13_ROAD_LIST === '1')
      for (const [name, calls] of [...r.calls].sort((a, b) => a[0].localeCompare(b[0])))
        print(`    ${calls.toFixed(2).padStart(6)}  ${name}`);
  }
  return roads;
}
