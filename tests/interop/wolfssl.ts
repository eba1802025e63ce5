import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { createSocket } from 'node:dgram';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { certificateToPem, privateKeyToPem } from '../../runtime/pki/pem.js';
import type { SupportedCipherSuite } from '../../runtime/crypto/suites.js';
import { createCertificate, generateKeyPair } from '../../runtime/pki/certificate-builder.js';
import type { Identity } from '../support/pki-fixtures.js';
import {
  connect,
  listen,
  type DtlsConnectOptions,
  type DtlsListenOptions,
  type DtlsSession,
} from '../../runtime/index.js';
import type { SessionParameters } from '../../runtime/shared/events.js';

/**
 * wolfSSL's example client and server (built with DTLS 1.3 by
 * build-wolfssl.sh, cached outside the clone) as an independent peer.
 */
let buildDir: string | undefined;

/** The wolfSSL build tree; builds it on first use (a few minutes, once per machine). */
export function wolfsslBuild(): string {
  if (buildDir) return buildDir;
  const script = fileURLToPath(new URL('./build-wolfssl.sh', import.meta.url));
  const out = execFileSync('bash', [script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const dir = out.trim().split('\n').at(-1) ?? '';
  if (!existsSync(join(dir, 'examples/server/server')))
    throw new Error(`build-wolfssl.sh printed ${dir}, which holds no examples/server/server`);
  buildDir = dir;
  return dir;
}

/** PEM files of an identity for the wolfSSL command line. */
export interface PemFiles {
  readonly dir: string;
  readonly ca: string;
  readonly cert: string;
  readonly key: string;
  remove(): void;
}

export function writePem(id: Identity): PemFiles {
  const dir = mkdtempSync(join(tmpdir(), 'dtls13-interop-'));
  const files = { ca: join(dir, 'ca.pem'), cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') };
  writeFileSync(files.ca, certificateToPem(id.caDer));
  writeFileSync(files.cert, id.chain.map(certificateToPem).join(''));
  writeFileSync(files.key, privateKeyToPem(id.privateKey));
  return { dir, ...files, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Ports this process handed out lately: the kernel may give a port back once its probe socket closed, before the server binds it. */
const handedOut: number[] = [];

/** A UDP port that was free a moment ago, and not one this process handed out lately. */
export async function freePort(): Promise<number> {
  for (;;) {
    const s = createSocket('udp4');
    const port = await new Promise<number>((resolve, reject) => {
      s.once('error', reject);
      s.bind(0, '127.0.0.1', () => {
        const { port } = s.address();
        s.close(() => resolve(port));
      });
    });
    if (handedOut.includes(port)) continue;
    handedOut.push(port);
    if (handedOut.length > 256) handedOut.shift();
    return port;
  }
}

export interface WolfRun {
  /** The process id (undefined if it could not start). */
  readonly pid: number | undefined;
  /** Resolves once the process has exited and its output is read, with everything it printed. */
  readonly done: Promise<{ readonly code: number | null; readonly output: string }>;
  kill(): void;
}

/** Runs a wolfSSL example program from its build tree (it loads files relative to it); killed after `limitMs`. */
export function runWolf(program: 'client' | 'server', args: readonly string[], limitMs = 30_000): WolfRun {
  const cwd = wolfsslBuild();
  const child = spawn(`./examples/${program}/${program}`, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const limit = setTimeout(() => {
    output += `\n[killed after ${limitMs} ms]`;
    child.kill('SIGKILL');
  }, limitMs);
  const done = new Promise<{ code: number | null; output: string }>((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(limit);
      resolve({ code, output: signal ? `${output}\n[ended by ${signal}]` : output });
    });
  });
  return { pid: child.pid, done, kill: () => child.kill('SIGKILL') };
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

/**
 * Whether process `pid` has a UDP socket bound to `port` (Linux: the socket's
 * inode in /proc/net/udp and udp6 among the process's descriptors). Another
 * process's socket on the port (another test took it first) does not count.
 */
function udpPortBound(port: number, pid: number | undefined): boolean {
  if (pid === undefined) return false;
  const inodes = udpSockets(port);
  if (inodes.size === 0) return false;
  try {
    return readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try {
        return inodes.has(readlinkSync(`/proc/${pid}/fd/${fd}`));
      } catch {
        return false; // closed meanwhile
      }
    });
  } catch {
    return false; // the process is gone
  }
}

/**
 * Starts the wolfSSL DTLS 1.3 server for one connection; resolves once its
 * socket is bound (its -R ready file is TCP-only, so we watch the socket table).
 */
export async function startWolfServer(
  pem: PemFiles,
  args: readonly string[],
  limitMs?: number,
): Promise<{ port: number; run: WolfRun }> {
  // The port freePort found may be taken by another test's socket before wolfSSL binds it: then another port, a few times.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startWolfServerOn(await freePort(), pem, args, limitMs);
    } catch (e) {
      if (attempt >= 5 || !(e instanceof Error) || !/Address already in use/.test(e.message)) throw e;
    }
  }
}

async function startWolfServerOn(
  port: number,
  pem: PemFiles,
  args: readonly string[],
  limitMs?: number,
): Promise<{ port: number; run: WolfRun }> {
  const run = runWolf('server', ['-u', '-v', '4', '-p', String(port), '-c', pem.cert, '-k', pem.key, ...args], limitMs);
  let exited = false;
  void run.done.then(() => (exited = true));
  for (let i = 0; i < 400 && !udpPortBound(port, run.pid); i++) {
    if (exited) throw new Error(`the wolfSSL server exited before listening: ${(await run.done).output}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  if (!udpPortBound(port, run.pid)) {
    run.kill();
    throw new Error(`the wolfSSL server did not bind UDP port ${port}`);
  }
  // wolfSSL's example server sets SO_REUSEADDR, so a second one (another test file's, handed the same port while it
  // was free) binds the port too, and datagrams for one server reach the other: seen as a handshake answered with the
  // other server's missing_extension alert, or stalling half-way. Whichever of the two sees both sockets gives way.
  if (udpSockets(port).size > 1) {
    run.kill();
    await run.done;
    throw new Error(`UDP port ${port} is shared with another socket (Address already in use)`);
  }
  return { port, run };
}

/** wolfSSL's names for our cipher suites. */
export const WOLF_SUITES = {
  tls_aes_128_gcm_sha256: 'TLS13-AES128-GCM-SHA256',
  tls_aes_256_gcm_sha384: 'TLS13-AES256-GCM-SHA384',
  tls_chacha20_poly1305_sha256: 'TLS13-CHACHA20-POLY1305-SHA256',
  tls_aes_128_ccm_sha256: 'TLS13-AES128-CCM-SHA256',
  tls_aes_128_ccm_8_sha256: 'TLS13-AES128-CCM-8-SHA256',
} as const satisfies Record<SupportedCipherSuite, string>;

/** wolfSSL's names (`-l`) for the DTLS 1.2 suites both implement. */
export const WOLF_SUITES_12 = {
  tls_ecdhe_ecdsa_with_aes_128_gcm_sha256: 'ECDHE-ECDSA-AES128-GCM-SHA256',
  tls_ecdhe_ecdsa_with_aes_256_gcm_sha384: 'ECDHE-ECDSA-AES256-GCM-SHA384',
  tls_ecdhe_rsa_with_aes_128_gcm_sha256: 'ECDHE-RSA-AES128-GCM-SHA256',
  tls_ecdhe_rsa_with_aes_256_gcm_sha384: 'ECDHE-RSA-AES256-GCM-SHA384',
  tls_ecdhe_ecdsa_with_chacha20_poly1305_sha256: 'ECDHE-ECDSA-CHACHA20-POLY1305',
  tls_ecdhe_rsa_with_chacha20_poly1305_sha256: 'ECDHE-RSA-CHACHA20-POLY1305',
  tls_ecdhe_ecdsa_with_aes_128_ccm: 'ECDHE-ECDSA-AES128-CCM',
  tls_ecdhe_ecdsa_with_aes_128_ccm_8: 'ECDHE-ECDSA-AES128-CCM-8',
} as const;

/** One handshake as wolfSSL's example client or server prints it. */
export interface WolfHandshake {
  /** "DTLSv1.2", "DTLSv1.3". */
  readonly version: string;
  /** The standard name, e.g. TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256. */
  readonly cipher: string;
  /** "SSL reused session" was printed for it. */
  readonly reused: boolean;
  /** The ECDHE group as wolfSSL names it (SECP256R1, X25519), or '' when none was printed (a resumed handshake). */
  readonly curve: string;
}

/** Every handshake in an example program's output ("SSL version is …" begins one), in order. */
export function wolfHandshakes(output: string): WolfHandshake[] {
  return output
    .split(/^SSL version is /m)
    .slice(1)
    .map((part) => ({
      version: /^(\S+)/.exec(part)?.[1] ?? '',
      cipher: /^SSL cipher suite is (\S+)/m.exec(part)?.[1] ?? '',
      reused: /^SSL reused session/m.test(part),
      curve: /^SSL curve name is (\S+)/m.exec(part)?.[1] ?? '',
    }));
}

/**
 * An RSA-2048 identity whose chain is over 4 kB: the leaf and four
 * intermediate CAs under a root (`caDer`), so a Certificate message never
 * fits one small datagram and is sent in fragments (small-MTU tests).
 */
export function longRsaChain(name: string, at = Date.now()): Identity {
  const year = 365 * 24 * 3600 * 1000;
  const validity = { notBefore: new Date(at - year), notAfter: new Date(at + year) };
  const root = generateKeyPair('rsa2048');
  const rootDer = createCertificate({
    subjectCommonName: `${name} root CA`,
    subjectPublicKey: root.publicKey,
    issuer: { selfSigned: true, privateKey: root.privateKey },
    isCa: true,
    ...validity,
  }).der;
  let issuer = { certificateDer: rootDer, privateKey: root.privateKey };
  const intermediates: Uint8Array[] = [];
  for (let i = 1; i <= 4; i++) {
    const k = generateKeyPair('rsa2048');
    const der = createCertificate({
      subjectCommonName: `${name} intermediate CA ${i}`,
      subjectPublicKey: k.publicKey,
      issuer,
      isCa: true,
      ...validity,
    }).der;
    intermediates.unshift(der);
    issuer = { certificateDer: der, privateKey: k.privateKey };
  }
  const leaf = generateKeyPair('rsa2048');
  const leafDer = createCertificate({
    subjectCommonName: name,
    subjectPublicKey: leaf.publicKey,
    issuer,
    dnsNames: [name],
    ...validity,
  }).der;
  return { caDer: rootDer, chain: [leafDer, ...intermediates], privateKey: leaf.pkcs8Der };
}

/** The PEM texts connect/listen take for an identity (`cert` holds the whole chain). */
export function pemOf(id: Identity): { readonly cert: string; readonly key: string; readonly ca: string } {
  return {
    cert: id.chain.map(certificateToPem).join(''),
    key: privateKeyToPem(id.privateKey),
    ca: certificateToPem(id.caDer),
  };
}

/** What one of our sessions (connect or listen) reported, taken when it opened; the data it received. */
export interface OurSession {
  readonly session: DtlsSession;
  /** `session.protocol`, `session.cipher.standardName` in lower case, `session.parameters`, once opened. */
  protocol: string | undefined;
  suite: string | undefined;
  parameters: SessionParameters | undefined;
  /** `exportKeyingMaterial(32, label)` in hex, once opened; with `context`, the same with it in `exporterWithContext`. */
  exporter: string | undefined;
  exporterWithContext: string | undefined;
  readonly data: string[];
  /** Why it did not open, or ended in error. */
  error: string | undefined;
}

/** The exporter label our sessions use (nss.ts's EXPORTER_LABEL, which tstclnt -x prints), and the context of `exporterWithContext`. */
export const OUR_EXPORTER = { label: 'EXPERIMENTAL dtls13 interop', context: 'dtls13 context' } as const;

function follow(session: DtlsSession, label: string, onData?: (s: OurSession, m: string) => void): OurSession {
  const o: OurSession = {
    session,
    protocol: undefined,
    suite: undefined,
    parameters: undefined,
    exporter: undefined,
    exporterWithContext: undefined,
    data: [],
    error: undefined,
  };
  session.onmessage = (m) => {
    o.data.push(m.toString());
    onData?.(o, m.toString());
  };
  void session.opened.then(
    () => {
      o.protocol = session.protocol;
      o.suite = session.cipher?.standardName.toLowerCase();
      o.parameters = session.parameters;
      o.exporter = session.exportKeyingMaterial(32, label).toString('hex');
      o.exporterWithContext = session
        .exportKeyingMaterial(32, label, Buffer.from(OUR_EXPORTER.context))
        .toString('hex');
    },
    (e: unknown) => (o.error ??= e instanceof Error ? e.message : String(e)),
  );
  void session.closed.catch((e: unknown) => (o.error ??= e instanceof Error ? e.message : String(e)));
  return o;
}

/**
 * Our client (connect) to 127.0.0.1:`port`: once open it sends `message`,
 * waits (10 s at most) until what it received satisfies `done`, and closes.
 */
export async function ourClient(
  port: number,
  options: DtlsConnectOptions,
  message: string,
  done: (received: string) => boolean,
  label: string = OUR_EXPORTER.label,
): Promise<OurSession> {
  const o = follow(connect('127.0.0.1', port, options), label);
  try {
    await o.session.opened;
    o.session.send(message);
    for (let i = 0; i < 1000 && !done(o.data.join('')) && o.error === undefined; i++)
      await new Promise((r) => setTimeout(r, 10));
  } catch {
    // o.error says why
  }
  await o.session.close();
  return o;
}

/** Our server (listen on 127.0.0.1): each session answers every message with `reply(message)`. */
export async function ourServer(
  options: DtlsListenOptions,
  reply: (message: string) => string,
  label: string = OUR_EXPORTER.label,
): Promise<{ readonly port: number; readonly sessions: OurSession[]; close(): Promise<void> }> {
  const sessions: OurSession[] = [];
  const listener = listen((s) => sessions.push(follow(s, label, (o, m) => o.session.send(reply(m)))), {
    host: '127.0.0.1',
    ...options,
  });
  const { port } = await listener.listening;
  return { port, sessions, close: () => listener.close() };
}
