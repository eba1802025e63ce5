/**
 * `dtls13 server`: serves until interrupted. Prints each connection, its
 * parameters, each message (answering each of its lines with a fixed line, or
 * with --echo sending it back), why a handshake failed, and each close. Lines typed on stdin
 * go to every connected client; `:keyupdate` updates every connection's keys.
 */
import { cidOptions, connectionIdText } from './cid-options.js';
import { fleetListenOptions } from './fleet-options.js';
import { extensionOptions, negotiatedExtensions } from './extension-options.js';
import { peerOptions } from './peer-options.js';
import { rawKeyOptions } from './raw-key-options.js';
import type { DtlsListener } from '../runtime/api/listener.js';
import { ConfigError, listen, listenWorkers } from './runtime.js';
import type { DtlsWorkerListener } from '../runtime/api/workers/worker-listener.js';
import type { ListenOptions } from '../runtime/api/options.js';
import type { DtlsSession } from '../runtime/api/session.js';
import { interrupted, withInspectDefault } from './inspect-option.js';
import { stdinLines, type LineInput } from './line-input.js';
import { SERVER_OPTIONS } from './net-options.js';
import { parseOptions, stringValue } from './option-table.js';
import { peerCertificateLine } from './peer-certificate.js';
import { hostPort, loadCertificates, loadPrivateKey } from './pem-files.js';
import { antiReplayStore, maxEarlyData, requestCertAfter, serverSessionOptions } from './session-options.js';
import { addressText, diagnostics, groupList, suiteList } from './tls-options.js';
import { CliUsageError } from './usage-error.js';
import {
  connected12Details,
  connectedAuthentication,
  connectedSuite,
  splitCipherList,
  versionOptions,
} from './version-options.js';
import { withOpensslSpellings } from './openssl-spellings.js';

const REPLY = 'dtls13 server: got your message\n';

export async function runServer(argv: readonly string[]): Promise<number> {
  const v = parseOptions(withInspectDefault(withOpensslSpellings(argv, 'server')), SERVER_OPTIONS);
  const listen = stringValue(v.listen);
  const certPath = stringValue(v.cert);
  const keyPath = stringValue(v.key);
  const sessions = serverSessionOptions(v);
  const askAfter = requestCertAfter(v);
  const raw = rawKeyOptions(v);
  if (certPath !== undefined ? keyPath === undefined : keyPath !== undefined && !raw.rawPublicKey)
    throw new CliUsageError('--cert and --key go together (--key alone with --raw-public-key)');
  if (!listen || (!certPath && !sessions.psk && !(raw.rawPublicKey && keyPath)))
    throw new CliUsageError(
      'server needs --listen HOST:PORT and --cert FILE --key FILE (or --psk HEX, or --raw-public-key --key FILE)',
    );
  const { host, port } = hostPort('--listen', listen, '127.0.0.1', 0);
  const caPath = stringValue(v.ca);
  const peer = peerOptions(v);
  const pinned = peer.fingerprint !== undefined;
  if (pinned && (caPath !== undefined || askAfter !== undefined))
    throw new CliUsageError(
      '--fingerprint checks the client certificate in the handshake, in place of --ca: leave out --ca and --request-cert-after',
    );
  if (v['verify-client'] && !caPath && !pinned)
    throw new CliUsageError('--verify-client needs --ca FILE (or --fingerprint)');
  const { rest: ciphers13, names12 } = splitCipherList(stringValue(v.cipher));
  const cipherSuites = suiteList('--cipher', ciphers13);
  const versions = versionOptions(v);
  const groups = groupList('--group', stringValue(v.group));
  // With --request-cert-after the certificate is asked for after the handshake, not in it.
  const requestCert = v['verify-client'] === true || (caPath !== undefined && askAfter === undefined);
  const options = {
    ...(certPath ? { cert: loadCertificates('--cert', certPath) } : {}),
    ...(keyPath ? { key: loadPrivateKey('--key', keyPath) } : {}),
    ...raw,
    ...(caPath ? { ca: loadCertificates('--ca', caPath) } : {}),
    // With raw public keys the client's key is asked for and checked by --peer-key.
    // With --fingerprint the listener asks for and requires the client's certificate itself.
    ...(raw.rawPublicKey || pinned ? {} : { requestCert, rejectUnauthorized: v['verify-client'] === true }),
    // Naming suites in --cipher is the choice allowCcm8 asks for: aes128ccm8 is used only when named.
    ...(names12.length > 0
      ? { ciphers: [...(cipherSuites ?? []).map((s) => s.toUpperCase()), ...names12].join(':'), allowCcm8: true }
      : cipherSuites
        ? { cipherSuites, allowCcm8: true }
        : {}),
    ...versions,
    ...(groups ? { groups } : {}),
    ...sessions,
    ...maxEarlyData(v),
    ...cidOptions(v),
    ...extensionOptions(v),
    ...peer,
  } as const;
  const replay = await antiReplayStore(v);
  const { options: diag, inspector } = await diagnostics('server', v, (line) => process.stdout.write(line));
  const workers = stringValue(v.workers);
  const fleet = fleetListenOptions(v, workers !== undefined);
  if (workers !== undefined) {
    if (replay.store || inspector || Object.keys(diag).length > 0)
      throw new CliUsageError(
        '--workers cannot go with --inspect, --keylog or a Redis --anti-replay store (they do not cross threads)',
      );
    await serveWorkers({ ...options, ...fleet }, host, port, workersValue(workers), v.echo === true, askAfter);
    return 0;
  }
  try {
    await serve(
      { ...options, ...diag, ...(replay.store ? { antiReplay: replay.store } : {}) },
      host,
      port,
      v.echo === true,
      askAfter,
    );
  } finally {
    await replay.close();
    inspector?.close(); // also when the options or the port are refused: an open inspector would keep the process alive
  }
  return 0;
}

/** Runs the server until SIGINT or SIGTERM. */
async function serve(
  options: ListenOptions,
  host: string,
  port: number,
  echo: boolean,
  askAfter: number | undefined,
): Promise<void> {
  const live = new Set<DtlsSession>();
  const endpoint: DtlsListener = listen((s) => session(s, live, echo, askAfter), { ...options, host, port });
  // Refused before any connection (the cookie exchange): why, as for a connection's failed handshake.
  endpoint.onhandshakeerror = (e, remote) =>
    process.stdout.write(`${addressText(remote.address, remote.port)}: handshake failed: ${e.message}\n`);
  const a = await endpoint.listening;
  const stop = interrupted();
  process.stdout.write(`listening on ${addressText(a.address, a.port)}\n`);
  const input = process.stdin.isTTY || !process.stdin.readableEnded ? operatorInput(live) : undefined;
  await stop;
  input?.stop();
  await endpoint.close();
}

/** The flag a listen option came from, for a usage error (`fleet.hosts.2` -> --fleet). */
function cliFlag(option: string): string {
  const flags: Readonly<Record<string, string>> = {
    hostId: '--host-id',
    ticketKeyFile: '--ticket-key-file',
    fleet: '--fleet',
    'fleet.key': '--fleet-key-file',
    cid: '--cid',
    'cid.length': '--cid',
    rawPublicKey: '--raw-public-key',
    peerPublicKey: '--peer-key',
  };
  return flags[option] ?? (option.startsWith('fleet.') ? '--fleet' : '--workers');
}

/** `--workers N|auto`. */
function workersValue(text: string): number | 'auto' {
  if (text === 'auto') return 'auto';
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new CliUsageError(`--workers must be 1..64 or auto, got ${text}`);
  return n;
}

/** `--workers`: the same server on worker threads (cli/server-worker.ts answers in each), until SIGINT or SIGTERM. */
async function serveWorkers(
  options: ListenOptions,
  host: string,
  port: number,
  workers: number | 'auto',
  echo: boolean,
  askAfter: number | undefined,
): Promise<void> {
  // What each worker's sessions do, read by cli/server-worker.ts (a worker thread gets a copy of the environment).
  process.env.DTLS13_SERVER_ECHO = echo ? '1' : '0';
  process.env.DTLS13_SERVER_ASK_AFTER = askAfter === undefined ? '' : String(askAfter);
  let endpoint: DtlsWorkerListener;
  try {
    endpoint = listenWorkers(
      new URL(`./server-worker.${import.meta.url.endsWith('.ts') ? 'ts' : 'js'}`, import.meta.url),
      { ...options, host, port, workers },
    );
  } catch (e) {
    if (e instanceof ConfigError) throw new CliUsageError(`${cliFlag(e.option)}: ${e.message}`);
    throw e;
  }
  endpoint.onhandshakeerror = (e, remote) =>
    process.stdout.write(`${addressText(remote.address, remote.port)}: handshake failed: ${e.message}\n`);
  const a = await endpoint.listening;
  const stop = interrupted();
  process.stdout.write(
    `listening on ${addressText(a.address, a.port)} (${endpoint.workers} workers${endpoint.stats.steered ? ', CID steering' : ''})\n`,
  );
  await stop;
  await endpoint.close();
}

/** One client's session: printed as it connects, talks and ends; answered or echoed. */
export function session(s: DtlsSession, live: Set<DtlsSession>, echo: boolean, askAfter: number | undefined): void {
  const who = addressText(s.remoteAddress?.address, s.remoteAddress?.port);
  s.onhandshake = () => {
    const p = s.parameters!;
    live.add(s);
    const how = connectedAuthentication(p);
    if (askAfter !== undefined) setTimeout(() => askForCertificate(s, who), askAfter).unref();
    process.stdout.write(
      `${who} connected: ${connectedSuite(p)} ${p.group ?? 'no (EC)DHE'} ${how}${connected12Details(p)}${negotiatedExtensions(p)}${connectionIdText(s.connectionIds)}${p.clientAuthenticated ? ' client-authenticated' : ''}\n`,
    );
    const certificate = peerCertificateLine(p.peerCertificateChain);
    if (certificate !== undefined) process.stdout.write(`${who} ${certificate}\n`);
  };
  s.onmessage = (m, early) => {
    if (early) process.stdout.write(`${who} early data (0-RTT): ${m.length} bytes\n`);
    // 0-RTT data arrives before the handshake completes, when nothing can be sent yet: its answer waits for `opened`.
    const answer = (reply: string | Buffer): void =>
      early
        ? void s.opened.then(
            () => sendLine(s, reply),
            () => {},
          )
        : sendLine(s, reply);
    if (echo) answer(m);
    else {
      // Each line is answered, as each is printed: a client counts the answers to the lines it sent (--replies).
      const lines = m.toString('utf8').replace(/\n$/, '').split('\n');
      for (const line of lines) process.stdout.write(`${who}: ${line}\n`);
      answer(REPLY.repeat(lines.length));
    }
  };
  s.onmigrate = (from, to) =>
    process.stdout.write(`migrated: ${addressText(from.address, from.port)} -> ${addressText(to.address, to.port)}\n`);
  s.onclientcertificate = (pem) =>
    process.stdout.write(
      `${who} client certificate: ${pem ? `verified (leaf of ${s.peerX509Certificate?.raw.length ?? 0} bytes)` : 'none (the client has no certificate)'}\n`,
    );
  const ended = (): void => {
    live.delete(s);
    process.stdout.write(`${who} closed (${s.closeReason ?? 'local'})\n`);
  };
  s.closed.then(ended, (e: unknown) => {
    // A restarted client's new session replacing this one is no error: the close line says so.
    if (s.closeReason !== 'replaced')
      process.stdout.write(
        `${who}: ${live.has(s) ? '' : 'handshake failed: '}${e instanceof Error ? e.message : String(e)}\n`,
      );
    ended();
  });
}

/** Post-handshake authentication of one client, or why it cannot be asked. */
function askForCertificate(s: DtlsSession, who: string): void {
  try {
    s.requestClientCertificate();
    process.stdout.write(`${who} certificate requested (post-handshake)\n`);
  } catch (e) {
    process.stdout.write(`${who} cannot ask for a certificate: ${e instanceof Error ? e.message : String(e)}\n`);
  }
}

/** Lines typed on the server's stdin: text to every connected client, `:keyupdate` for every connection. */
function operatorInput(live: Set<DtlsSession>): LineInput {
  const input = stdinLines(() => 0);
  input.start(
    (items) => {
      for (const i of items) {
        if (i.kind === 'text') for (const s of live) sendLine(s, i.text);
        else if (i.name === 'keyupdate' || i.name === 'k') {
          let updated = 0;
          for (const s of live) {
            if (s.protocol === 'DTLSv1.2') continue; // DTLS 1.2 has no KeyUpdate
            s.updateKeys(true);
            updated++;
          }
          const skipped = live.size - updated;
          process.stdout.write(
            `KeyUpdate sent (update_requested) on ${updated} connection(s)${skipped > 0 ? ` (${skipped} DTLS 1.2, which has none)` : ''}\n`,
          );
        } else process.stdout.write(`unknown command ':${i.name}' (commands: :keyupdate; '::TEXT' sends ':TEXT')\n`);
      }
    },
    () => {},
  );
  return input;
}

/** Text or an echo to one client; what the session cannot take (more than one record holds at its mtu) is reported, not fatal. */
function sendLine(s: DtlsSession, text: string | Buffer): void {
  try {
    s.send(text);
  } catch (e) {
    process.stdout.write(
      `${addressText(s.remoteAddress?.address, s.remoteAddress?.port)}: not sent: ${e instanceof Error ? e.message : String(e)}\n`,
    );
  }
}
