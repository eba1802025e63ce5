import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { certificateToPem } from '../../runtime/pki/pem.js';
import { listen, type DtlsListener } from '../../runtime/index.js';
import { OWN_CLIENT_HANDSHAKE_TIMEOUT, OWN_CLIENT_RETRANSMIT_TIMEOUT } from './own-client.js';

/** What dtls13's own server needs to serve as the reference: its credentials and the version it speaks. */
export interface ReferenceServerOptions {
  readonly version: '1.2' | '1.3';
  /** The server's certificate chain and key (PEM or DER), as `listen` takes them. */
  readonly cert: string | Uint8Array | readonly Uint8Array[];
  readonly key: string | Uint8Array;
  /** Trust anchors for client certificates; with them the server asks for one (and admits clients that send none). */
  readonly ca?: string | Uint8Array | readonly Uint8Array[];
  readonly host?: string;
  readonly port?: number;
}

/** A running reference server: where to learn it, and how to stop it. */
export interface ReferenceServer {
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

/** The reference server's handshake and idle deadlines, ms (see {@link referenceServer}). */
const REFERENCE_DEADLINE = 60_000;

/**
 * dtls13's own server (`listen`), limited to one version and echoing what each session receives: learned with the
 * same alphabet as a peer, it gives the reference model the peer's is compared with. The learner's sessions all come
 * from one host and most are abandoned half-way, so the per-host limits are lifted (by default a host holds at most 10
 * handshakes at once, and further ClientHellos get silence: a timing-dependent answer the learner would see as
 * nondeterminism). The handshake and idle deadlines are a minute, longer than any query: at 5 s a word whose steps
 * waited long on a loaded machine ended with the deadline's handshake_failure, an answer that follows time, not inputs.
 */
export async function referenceServer(options: ReferenceServerOptions): Promise<ReferenceServer> {
  const host = options.host ?? '127.0.0.1';
  const version = options.version === '1.2' ? 'DTLSv1.2' : 'DTLSv1.3';
  const listener: DtlsListener = listen(
    (session) => {
      session.onmessage = (data) => session.send(data);
      session.onerror = () => undefined;
    },
    {
      host,
      port: options.port ?? 0,
      cert: options.cert,
      key: options.key,
      minVersion: version,
      maxVersion: version,
      maxHandshakesPerHost: 1_000_000,
      maxSessionsPerHost: 0,
      maxSessions: 0,
      handshakeTimeout: REFERENCE_DEADLINE,
      idleTimeout: REFERENCE_DEADLINE,
      ...(options.ca === undefined ? {} : { ca: options.ca, requestCert: true, rejectUnauthorized: false }),
    },
  );
  const { port } = await listener.listening;
  return { host, port, close: () => listener.close() };
}

/** What dtls13's own client needs to serve as the reference: the version, and the CA that signed the mapper's server certificate. */
export interface ReferenceClientOptions {
  readonly version: '1.2' | '1.3';
  /** The trust anchor (PEM or DER) for the certificate the mapper's server side presents. */
  readonly ca: Uint8Array | string;
  /** The client's own certificate chain and key (PEM), for servers that ask for one. */
  readonly cert?: string;
  readonly key?: string;
}

/** The command that starts dtls13's own client for one session (`{port}` in it), and the files it reads. */
export interface ReferenceClient {
  readonly command: string;
  /** Removes the files written for the command. */
  close(): void;
}

/**
 * The command line of dtls13's own client (`dtls13 client`, from the package's dist/) limited to one version,
 * connecting to 127.0.0.1:{port} and trusting `ca`; its standard input stays open, so it holds the session until the
 * peer ends it. Give it to {@link openClientSul} as `clientCommand` to learn the reference client.
 */
export function referenceClient(options: ReferenceClientOptions): ReferenceClient {
  const dir = mkdtempSync(join(tmpdir(), 'dtls13-learn-'));
  const file = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text, { mode: 0o600 });
    return path;
  };
  const ca = file('ca.pem', typeof options.ca === 'string' ? options.ca : pemText(options.ca));
  const args = [
    'client',
    '--connect',
    '127.0.0.1:{port}',
    '--ca',
    ca,
    '--no-verify-name',
    options.version === '1.2' ? '--dtls1_2' : '--dtls1_3',
    '--timeout',
    String(OWN_CLIENT_HANDSHAKE_TIMEOUT),
    // The learner asks what the client answers to each input, not when its timer fires: a query that takes seconds on a
    // slow machine would otherwise see the client's flight again after 1 s, sometimes, and learn that noise as states.
    '--retransmit-timeout',
    String(OWN_CLIENT_RETRANSMIT_TIMEOUT),
  ];
  if (options.cert !== undefined && options.key !== undefined)
    args.push('--cert', file('cert.pem', options.cert), '--key', file('key.pem', options.key));
  const command = [process.execPath, cliMain(), ...args].map(shellQuoted).join(' ');
  return { command, close: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A DER certificate as PEM text; PEM bytes as they are. */
function pemText(bytes: Uint8Array): string {
  const text = Buffer.from(bytes).toString('latin1');
  return text.includes('-----BEGIN') ? text : certificateToPem(bytes);
}

/** dist/cli/main.js: beside this module when it runs from dist/, else in the package's dist/. */
function cliMain(): string {
  const built = fileURLToPath(new URL('../../cli/main.js', import.meta.url));
  return existsSync(built) ? built : fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
}

/** A word for /bin/sh: quoted unless it is plain; `{port}` left for the mapper to fill in. */
function shellQuoted(word: string): string {
  return /^[A-Za-z0-9_./:{}=@-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}
