import type { ExecutionContext } from 'ava';
import { execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { NegotiatedParameters } from '../../runtime/shared/events.js';
import type { KeyExchangeGroup } from '../../runtime/crypto/provider.js';
import type { SupportedCipherSuite } from '../../runtime/crypto/suites.js';
import { openClientEndpoint, type UdpClientEndpoint, type UdpClientOptions } from '../support/udp-client.js';
import type { Connection } from '../../runtime/shared/connection-api.js';
import { listen } from '../../runtime/api/listener.js';
import type { ListenOptions } from '../../runtime/api/options.js';
import type { DtlsSession } from '../../runtime/api/session.js';
import { toHex } from '../../runtime/wire/bytes.js';
import type { Identity } from '../support/pki-fixtures.js';
import { LossyProxy, type FateOf } from '../support/udp-relay.js';
import { cookieAskedFor } from '../support/cookieless.js';
import { freePort, writePem } from './wolfssl.js';

/**
 * NSS 3.110 (Firefox's TLS stack) as an independent DTLS 1.3 peer: its test
 * tool tstclnt, a DTLS client with `-P client` and a one-connection DTLS
 * server with `-P server` (NSS's selfserv has no DTLS), built by
 * build-nss.sh (cached outside the clone). tstclnt copies stdin to the
 * connection and the connection to stdout; with -v it reports the handshake
 * on stderr, and with -x it prints an exporter's output on stdout.
 */
let installDir: string | undefined;

/** The NSS install directory (bin/, lib/); builds it on first use (a few minutes, once per machine). */
export function nssBuild(): string {
  if (installDir) return installDir;
  const script = fileURLToPath(new URL('./build-nss.sh', import.meta.url));
  const out = execFileSync('bash', [script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const dir = out.trim().split('\n').at(-1) ?? '';
  if (!existsSync(join(dir, 'bin/tstclnt'))) throw new Error(`build-nss.sh printed ${dir}, which holds no bin/tstclnt`);
  installDir = dir;
  return dir;
}

const run = promisify(execFile);

/** Runs one of NSS's tools (asynchronously: tests in the same worker keep handshaking meanwhile). */
async function nssTool(tool: 'certutil' | 'pk12util', args: readonly string[]): Promise<void> {
  await run(join(nssBuild(), 'bin', tool), args, { env: nssEnv() });
}

/** The environment NSS's tools run in: this build's libraries (softokn and freebl are loaded at run time, and the system's older ones must not be). */
function nssEnv(): NodeJS.ProcessEnv {
  return { ...process.env, LD_LIBRARY_PATH: join(nssBuild(), 'lib'), SSLKEYLOGFILE: '' };
}

/** NSS's names for our cipher suites (tstclnt -c takes the code); undefined: NSS has no such TLS 1.3 suite. */
export const NSS_SUITES: Readonly<Record<SupportedCipherSuite, string | undefined>> = {
  tls_aes_128_gcm_sha256: ':1301',
  tls_aes_256_gcm_sha384: ':1302',
  tls_chacha20_poly1305_sha256: ':1303',
  tls_aes_128_ccm_sha256: undefined,
  tls_aes_128_ccm_8_sha256: undefined,
};

/** tstclnt's report of a suite: "<key bits>-bit <cipher>" (its -v line "SSL version 3.4 using 128-bit AES-GCM with 128-bit AEAD MAC"). */
export const NSS_SUITE_REPORT: Readonly<Record<string, string>> = {
  tls_aes_128_gcm_sha256: '128-bit AES-GCM',
  tls_aes_256_gcm_sha384: '256-bit AES-GCM',
  tls_chacha20_poly1305_sha256: '256-bit CHACHA20POLY1305',
};

/** NSS's group names (tstclnt -I) for ours; undefined: NSS does not implement it. */
export const NSS_GROUPS: Readonly<Record<KeyExchangeGroup, string | undefined>> = {
  x25519: 'x25519',
  secp256r1: 'P256',
  secp384r1: 'P384',
  secp521r1: 'P521',
  x25519mlkem768: 'mlkem768x25519',
  x448: undefined,
};

/** Every group both implement, in tstclnt's syntax. */
export const ALL_NSS_GROUPS = Object.values(NSS_GROUPS)
  .filter((g) => g !== undefined)
  .join(',');

/** The exporter both sides compute after every handshake (RFC 8446 §7.5; tstclnt -x). */
export const EXPORTER_LABEL = 'EXPERIMENTAL dtls13 interop';
export const EXPORTER_LENGTH = 32;

/** A throwaway NSS certificate database (sql: format) in a temporary directory. */
export interface NssDb {
  readonly dir: string;
  /** The nickname of the imported certificate and key, if any. */
  readonly nickname: string | undefined;
  remove(): void;
}

/**
 * Makes an NSS database that trusts `trust`'s CA and, given `own`, holds
 * its certificate and key (imported with pk12util from a PKCS#12 file
 * openssl makes of the PEMs).
 */
export async function makeNssDb(trust: Identity, own?: Identity): Promise<NssDb> {
  const dir = mkdtempSync(join(tmpdir(), 'dtls13-nss-'));
  const remove = (): void => rmSync(dir, { recursive: true, force: true });
  try {
    const db = `sql:${dir}`;
    await nssTool('certutil', ['-N', '-d', db, '--empty-password']);
    const trustPem = writePem(trust);
    try {
      await nssTool('certutil', ['-A', '-d', db, '-n', 'dtls13-test-ca', '-t', 'CT,C,C', '-i', trustPem.ca]);
    } finally {
      trustPem.remove();
    }
    let nickname: string | undefined;
    if (own) {
      nickname = 'dtls13-peer';
      const pem = writePem(own);
      try {
        const p12 = join(pem.dir, 'peer.p12');
        await run('openssl', [
          'pkcs12',
          '-export',
          '-in',
          pem.cert,
          '-inkey',
          pem.key,
          '-name',
          nickname,
          '-passout',
          'pass:',
          '-out',
          p12,
        ]);
        await nssTool('pk12util', ['-i', p12, '-d', db, '-W', '']);
      } finally {
        pem.remove();
      }
    }
    return { dir, nickname, remove };
  } catch (e) {
    remove();
    throw e;
  }
}

export interface TstclntRun {
  readonly pid: number | undefined;
  /** Resolves once the process has exited and its output is read. */
  readonly done: Promise<{ readonly code: number | null; readonly stdout: string; readonly stderr: string }>;
  /** What it printed so far on stdout (the peer's data, the exporter) and stderr (-v's report). */
  stdout(): string;
  stderr(): string;
  /** Resolves once stdout holds `text`, rejects when the process ends first. */
  waitFor(text: string): Promise<void>;
  /** Data to send: tstclnt reads its stdin in chunks of up to 4000 bytes, one record each. */
  write(data: string): void;
  /** Closes stdin: a client stops reading it, a server (-P server) ends. */
  end(): void;
  kill(): void;
}

/**
 * Runs tstclnt (-v: it reports the handshake; -x: the exporter); killed after `limitMs`.
 * Its stdin is a socket pair (node's "pipe"), so closing it reads as EOF:
 * with a plain pipe tstclnt would poll the hung-up descriptor forever.
 */
export function runTstclnt(db: NssDb, args: readonly string[], limitMs = 30_000): TstclntRun {
  const exporter = `${EXPORTER_LABEL}:${EXPORTER_LENGTH}`;
  const child = spawn(
    join(nssBuild(), 'bin/tstclnt'),
    ['-d', `sql:${db.dir}`, '-V', 'tls1.3:tls1.3', '-v', '-x', exporter, ...args],
    {
      env: nssEnv(),
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  let exited = false;
  const waiters: { text: string; resolve: () => void; reject: (e: Error) => void }[] = [];
  const check = (): void => {
    for (const w of [...waiters]) {
      if (stdout.includes(w.text)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      } else if (exited) {
        waiters.splice(waiters.indexOf(w), 1);
        w.reject(new Error(`tstclnt ended before printing ${JSON.stringify(w.text)}:\n${stdout}\n${stderr}`));
      }
    }
  };
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString('latin1');
    check();
  });
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.on('error', () => {}); // it may have exited already
  const limit = setTimeout(() => {
    stderr += `\n[killed after ${limitMs} ms]`;
    child.kill('SIGKILL');
  }, limitMs);
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(limit);
      exited = true;
      check();
      resolve({ code, stdout, stderr: signal ? `${stderr}\n[ended by ${signal}]` : stderr });
    });
  });
  return {
    pid: child.pid,
    done,
    stdout: () => stdout,
    stderr: () => stderr,
    waitFor: (text) =>
      new Promise<void>((resolve, reject) => {
        waiters.push({ text, resolve, reject });
        check();
      }),
    write: (data) => void child.stdin.write(data),
    end: () => void child.stdin.end(),
    kill: () => child.kill('SIGKILL'),
  };
}

/** What tstclnt -v reported of its handshake. */
export interface NssReport {
  /** "3.4": NSS reports DTLS 1.3 by the TLS 1.3 code it uses inside (the wire carries 0xfefc). */
  readonly version: string | undefined;
  /** "128-bit AES-GCM", see {@link NSS_SUITE_REPORT}. */
  readonly cipher: string | undefined;
  /** The key exchange's size in bits: 255 for x25519, 256 / 384 / 521 for the NIST curves. */
  readonly keaBits: number | undefined;
  readonly signatureScheme: string | undefined;
  /** The exporter's output (tstclnt -x), hex. */
  readonly exporter: string | undefined;
}

export function nssReport(stdout: string, stderr: string): NssReport {
  const v = /SSL version (\d+\.\d+) using (\d+-bit [^ ]+) with/.exec(stderr);
  const kea = /Key Exchange: (\d+)-bit/.exec(stderr);
  const sig = /Signature Scheme: (\S+)/.exec(stderr);
  const ex = /Keying Material:\n((?:[ \t]+[0-9a-f:]+\n?)+)/.exec(stdout);
  return {
    version: v?.[1],
    cipher: v?.[2],
    keaBits: kea?.[1] === undefined ? undefined : Number(kea[1]),
    signatureScheme: sig?.[1],
    exporter: ex?.[1]?.replace(/[\s:]/g, ''),
  };
}

/** What tstclnt printed of the connection's data: its stdout without the exporter's lines (stdio-buffered, they come last). */
export const dataOf = (stdout: string): string => stdout.replace(/Exported Keying Material:\n(?:[ \t].*(?:\n|$))*/, '');

/** Key exchange sizes tstclnt reports, by group (for the X25519 + ML-KEM-768 hybrid NSS reports its X25519 part). */
export const NSS_KEA_BITS: Readonly<Partial<Record<KeyExchangeGroup, number>>> = {
  x25519: 255,
  secp256r1: 256,
  secp384r1: 384,
  secp521r1: 521,
  x25519mlkem768: 255,
};

/** Our side's exporter, hex, to compare with tstclnt's. */
export const ourExporter = (ep: Pick<Connection, 'exportKeyingMaterial'>): string =>
  toHex(ep.exportKeyingMaterial(EXPORTER_LENGTH, EXPORTER_LABEL));

/** The datagrams a relay between the two saw, in order, by sender. */
export interface Captured {
  readonly client: Uint8Array[];
  readonly server: Uint8Array[];
}

/** A relay's fate function that passes everything and keeps a copy (`fate` still decides, when given). */
function capture(into: Captured, fate?: FateOf): FateOf {
  return (from, index, datagram) => {
    into[from].push(Uint8Array.from(datagram));
    return fate ? fate(from, index, datagram) : 'pass';
  };
}

/** Whether a datagram holds `bytes` in a row. */
export function holds(datagram: Uint8Array, bytes: readonly number[]): boolean {
  outer: for (let i = 0; i + bytes.length <= datagram.length; i++) {
    for (let j = 0; j < bytes.length; j++) if (datagram[i + j] !== bytes[j]) continue outer;
    return true;
  }
  return false;
}

// ------------------------------------------------------ NSS client → our server

export interface NssClientRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly report: NssReport;
  /** Every record our server received, decoded as Latin-1. */
  readonly received: string[];
  /** Our server's exporter for the connection, hex. */
  readonly exporter: string | undefined;
  readonly handshakes: NegotiatedParameters[];
  /** The session listen() made for tstclnt. */
  readonly session: DtlsSession | undefined;
  readonly captured: Captured;
  readonly proxy: LossyProxy | undefined;
}

/**
 * Serves one tstclnt run through a relay that copies every datagram: our
 * server echoes each record back; the test writes `messages` to tstclnt one
 * at a time, each after the echo of the one before, then we close.
 */
export async function serveNssClient(
  serverId: Identity,
  options: Omit<ListenOptions, 'cert' | 'key' | 'host' | 'port'>,
  clientArgs: readonly string[],
  messages: readonly string[],
  extra: { fate?: FateOf; clientCert?: Identity; afterHandshake?: (session: DtlsSession) => void } = {},
): Promise<NssClientRun> {
  const db = await makeNssDb(serverId, extra.clientCert);
  let session: DtlsSession | undefined;
  let exporter: string | undefined;
  const received: string[] = [];
  const handshakes: NegotiatedParameters[] = [];
  const server = listen(
    (s) => {
      session = s;
      s.eventTap = (e) =>
        void (e.type === 'handshakeComplete' && handshakes.push(e.parameters as NegotiatedParameters));
      s.onmessage = (m) => {
        received.push(m.toString('latin1'));
        // In records that fit a datagram each, as the connection splits a larger send (a session's send takes one).
        for (let at = 0; at < m.length; at += s.maxMessageSize) s.send(m.subarray(at, at + s.maxMessageSize));
      };
      s.onerror = () => {}; // the assertions look at what arrived and what tstclnt printed
      s.opened.then(
        () => {
          exporter = ourExporter(s);
          extra.afterHandshake?.(s);
        },
        () => {},
      );
    },
    { cert: [...serverId.chain], key: serverId.privateKey, host: '127.0.0.1', ...options },
  );
  const { port } = await server.listening;
  const captured: Captured = { client: [], server: [] };
  const proxy = await LossyProxy.start(port, capture(captured, extra.fate));
  const nickname = extra.clientCert ? ['-n', db.nickname ?? ''] : [];
  const run = runTstclnt(db, [
    '-P',
    'client',
    '-h',
    '127.0.0.1',
    '-p',
    String(proxy.port),
    '-a',
    'localhost',
    ...nickname,
    ...clientArgs,
  ]);
  try {
    for (const m of messages) {
      run.write(m);
      await run.waitFor(m);
    }
    void session?.close(); // close_notify: tstclnt stops reading the connection
    run.end(); // and, at the end of its stdin, exits
  } catch {
    run.kill();
  }
  const { code, stdout, stderr } = await run.done;
  proxy.close();
  await server.close();
  db.remove();
  return {
    code,
    stdout,
    stderr,
    report: nssReport(stdout, stderr),
    received,
    exporter,
    handshakes,
    session,
    captured,
    proxy,
  };
}

/** Whether a `cookies: false` listen sent this run's first ClientHello through the cookie exchange anyway. */
export function cookieAsked(r: NssClientRun, serverId: Identity): boolean {
  return cookieAskedFor(r.captured.client[0], serverId.chain);
}

export function assertNssClientRun(t: ExecutionContext, r: NssClientRun, messages: readonly string[]): NssReport {
  const why = `tstclnt exit ${String(r.code)}\n${r.stderr
    .split('\n')
    .filter((l) => !/PR_Poll|about to call/.test(l))
    .join('\n')}\n${r.stdout}`;
  t.is(r.code, 0, why);
  t.is(r.handshakes.length, 1, why);
  t.deepEqual(r.received.join(''), messages.join(''), why); // tstclnt may read two writes as one record
  t.is(dataOf(r.stdout), messages.join(''), why); // the echoes
  t.is(r.report.version, '3.4', why);
  t.not(r.exporter, undefined);
  t.is(r.report.exporter, r.exporter, 'both ends export the same keying material');
  return r.report;
}

// ------------------------------------------------------ our client → NSS server

export interface NssServerRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly report: NssReport;
  readonly parameters: NegotiatedParameters | undefined;
  readonly error: string | undefined;
  /** What came back from tstclnt, decoded as Latin-1. */
  readonly replies: string[];
  readonly exporter: string | undefined;
  readonly client: UdpClientEndpoint;
  readonly captured: Captured;
  readonly proxy: LossyProxy;
}

/** The UDP sockets bound to `port` on this machine, by inode (Linux: /proc/net/udp and udp6). */
function udpSockets(port: number): Set<string> {
  const hex = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const inodes = new Set<string>();
  for (const f of ['/proc/net/udp', '/proc/net/udp6']) {
    if (!existsSync(f)) continue;
    for (const line of readFileSync(f, 'utf8').split('\n')) {
      const fields = line.trim().split(/\s+/);
      if (fields[1]?.endsWith(hex) && fields[9] !== undefined) inodes.add(`socket:[${fields[9]}]`);
    }
  }
  return inodes;
}

/** Whether process `pid` holds a UDP socket bound to `port`. */
function boundBy(port: number, pid: number | undefined): boolean {
  const inodes = udpSockets(port);
  if (pid === undefined || inodes.size === 0) return false;
  try {
    return readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try {
        return inodes.has(readlinkSync(`/proc/${pid}/fd/${fd}`));
      } catch {
        return false;
      }
    });
  } catch {
    return false;
  }
}

/** Starts tstclnt -P server on a free port; resolves once its socket is bound (tstclnt binds without SO_REUSEADDR: a taken port ends it, and we try another). */
export async function startNssServer(
  db: NssDb,
  args: readonly string[],
  limitMs?: number,
): Promise<{ port: number; run: TstclntRun }> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const run = runTstclnt(
      db,
      ['-P', 'server', '-h', '127.0.0.1', '-p', String(port), '-n', db.nickname ?? '', ...args],
      limitMs,
    );
    let exited = false;
    void run.done.then(() => (exited = true));
    for (let i = 0; i < 500 && !exited && !boundBy(port, run.pid); i++) await new Promise((r) => setTimeout(r, 10));
    if (!exited && boundBy(port, run.pid)) return { port, run };
    run.kill();
    const { stderr } = await run.done;
    if (attempt >= 5) throw new Error(`tstclnt -P server did not bind UDP port ${port}:\n${stderr}`);
  }
}

/**
 * Our client → tstclnt -P server, through a relay that copies every
 * datagram: we send `messages` (tstclnt prints them), tstclnt sends
 * `reply` (written to its stdin once it printed them), we close, then its
 * stdin ends and it exits.
 */
export async function talkToNssServer(
  serverId: Identity,
  serverArgs: readonly string[],
  options: Partial<UdpClientOptions>,
  messages: readonly string[],
  reply: string,
  extra: { fate?: FateOf; beforeSend?: (c: UdpClientEndpoint) => void } = {},
): Promise<NssServerRun> {
  const db = await makeNssDb(serverId, serverId);
  const { port, run } = await startNssServer(db, serverArgs);
  const captured: Captured = { client: [], server: [] };
  const proxy = await LossyProxy.start(port, capture(captured, extra.fate));
  const client = openClientEndpoint({
    port: proxy.port,
    trustAnchors: [serverId.caDer],
    serverName: 'localhost',
    ...options,
  });
  let parameters: NegotiatedParameters | undefined;
  let exporter: string | undefined;
  let error: string | undefined;
  const replies: string[] = [];
  try {
    parameters = await client.handshake;
    exporter = ourExporter(client.connection);
    extra.beforeSend?.(client);
    for (const m of messages) {
      client.send(Buffer.from(m, 'latin1'));
      await run.waitFor(m);
    }
    run.write(reply);
    let got = '';
    while (got.length < reply.length) {
      const r = Buffer.from(await client.receive()).toString('latin1');
      replies.push(r);
      got += r;
    }
    client.close();
    // Give our close_notify a moment to arrive before tstclnt's stdin ends (it exits at once then).
    await new Promise((r) => setTimeout(r, 200));
    run.end();
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
    run.kill();
  }
  const { code, stdout, stderr } = await run.done;
  proxy.close();
  db.remove();
  return {
    code,
    stdout,
    stderr,
    report: nssReport(stdout, stderr),
    parameters,
    error,
    replies,
    exporter,
    client,
    captured,
    proxy,
  };
}

export function assertNssServerRun(
  t: ExecutionContext,
  r: NssServerRun,
  messages: readonly string[],
  reply: string,
): NssReport {
  const why = `${String(r.error)}; tstclnt exit ${String(r.code)}\n${r.stderr
    .split('\n')
    .filter((l) => !/PR_Poll|about to call/.test(l))
    .join('\n')}\n${r.stdout}`;
  t.is(r.error, undefined, why);
  t.is(r.code, 0, why);
  t.is(dataOf(r.stdout), messages.join(''), why);
  t.is(r.replies.join(''), reply, why);
  t.is(r.report.version, '3.4', why);
  t.not(r.exporter, undefined);
  t.is(r.report.exporter, r.exporter, 'both ends export the same keying material');
  return r.report;
}

/**
 * DTLS 1.3 on the wire (RFC 9147 §5.3): supported_versions (extension 43)
 * carrying only 0xfefc, in NSS's ClientHello (a list: length 3, 2 bytes of
 * versions) or in its ServerHello (the one version: length 2).
 */
export const CLIENT_HELLO_DTLS13 = [0x00, 0x2b, 0x00, 0x03, 0x02, 0xfe, 0xfc];
export const SERVER_HELLO_DTLS13 = [0x00, 0x2b, 0x00, 0x02, 0xfe, 0xfc];
