/**
 * `dtls13 client`: connects, then sends stdin's lines (or --message) as they
 * arrive and prints replies as they come; `:keyupdate` and `:quit` on lines
 * of their own. At the end of input it closes with close_notify, as `openssl
 * s_client` does, unless --replies N asks it to wait for N messages from the
 * server first. Bounded by --timeout (the whole exchange) and --idle-timeout
 * (silence). Exit 0 on a clean close (ours at the end of input, or the
 * server's close_notify), 1 with the reason on failure or when the --replies
 * did not all come.
 */
import { cidOptions, connectionIdText } from './cid-options.js';
import { extensionOptions, negotiatedExtensions } from './extension-options.js';
import { peerOptions } from './peer-options.js';
import { rawKeyOptions } from './raw-key-options.js';
import { connect, protocolOf, resolveConfig } from './runtime.js';
import type { DtlsSession } from '../runtime/api/session.js';
import { withInspectDefault, interrupted } from './inspect-option.js';
import { inputItems, stdinLines, type InputItem, type LineInput } from './line-input.js';
import { CLIENT_OPTIONS, REPLY_SILENCE_MS } from './net-options.js';
import { parseOptions, stringValue } from './option-table.js';
import { certificateChainText, peerCertificateLine } from './peer-certificate.js';
import { hostPort, loadCertificates, loadPrivateKey } from './pem-files.js';
import { clientSessionOptions } from './session-options.js';
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

/** Records sent and not yet answered before the client waits for a reply (a pipe must not overrun the peer's socket buffer). */
const WINDOW = 16;
/** How long the client waits for a reply before sending past the window anyway (a peer that does not answer every record). */
const WINDOW_WAIT_MS = 200;
/**
 * The end of input closes no sooner than this after the handshake completed, nor sooner than the handshake took (a
 * loaded machine or a long path delays the server's first words as it delayed its flights), and only after the socket
 * was read once more: a server that writes first (openssl s_server with input waiting) sends its line right behind its
 * Finished, and a piped input's end, there at once, must not close before that line is read (openssl s_client reads
 * the socket before its input, to the same effect). Input that ends later closes at once.
 */
const FIRST_WORDS_MS = 250;

function positiveMs(option: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1)
    throw new CliUsageError(`${option} must be a positive integer of ms, got '${text}'`);
  return n;
}

/** --replies N: a count of reply lines, 0 or more. */
function replyCount(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n))
    throw new CliUsageError(`--replies must be a count of reply lines (0 or more), got '${text}'`);
  return n;
}

/**
 * The reply lines in one message, as --replies counts them: each newline ends one, and a message that does not end
 * with a newline ends one at its end (a peer that answers `pong` with no newline). `'one\ntwo\n'` is 2, `'pong'` 1.
 */
export function replyLines(text: string): number {
  let lines = 0;
  for (const c of text) if (c === '\n') lines++;
  return text === '' || text.endsWith('\n') ? lines : lines + 1;
}

export async function runClient(argv: readonly string[]): Promise<number> {
  const v = parseOptions(withInspectDefault(withOpensslSpellings(argv, 'client')), CLIENT_OPTIONS);
  const target = stringValue(v.connect);
  const caPath = stringValue(v.ca);
  const raw = rawKeyOptions(v);
  const peer = peerOptions(v);
  if (!target || (!caPath && v.psk === undefined && !raw.rawPublicKey && peer.fingerprint === undefined))
    throw new CliUsageError(
      'client needs --connect HOST:PORT and --ca FILE (or --psk HEX, --raw-public-key or --fingerprint)',
    );
  if (peer.fingerprint !== undefined && (caPath !== undefined || v['no-verify-name'] === true))
    throw new CliUsageError('--fingerprint checks the server certificate alone: leave out --ca and --no-verify-name');
  const sessions = clientSessionOptions(v);
  const { host, port } = hostPort('--connect', target, '127.0.0.1', 1);
  const certPath = stringValue(v.cert);
  const keyPath = stringValue(v.key);
  if (certPath !== undefined ? keyPath === undefined : keyPath !== undefined && !raw.rawPublicKey)
    throw new CliUsageError('--cert and --key go together (--key alone with --raw-public-key)');
  const timeout = positiveMs('--timeout', stringValue(v.timeout));
  const idleTimeout = positiveMs('--idle-timeout', stringValue(v['idle-timeout']));
  const replies = replyCount(stringValue(v.replies));
  const { rest: ciphers13, names12 } = splitCipherList(stringValue(v.cipher));
  const cipherSuites = suiteList('--cipher', ciphers13);
  const versions = versionOptions(v);
  const groups = groupList('--group', stringValue(v.group));
  const serverName = stringValue(v.servername);
  const anyName = v['no-verify-name'] === true;
  const base = {
    // Without --ca (a PSK client) the trust anchors are Node's bundled roots, as node:tls's.
    ...(caPath ? { ca: loadCertificates('--ca', caPath) } : {}),
    handshakeTimeout: timeout ?? 10_000,
    ...(certPath ? { cert: loadCertificates('--cert', certPath) } : {}),
    ...(keyPath ? { key: loadPrivateKey('--key', keyPath) } : {}),
    ...raw,
    // The certificate is checked against the name or address connected to (RFC 9525 §6), unless --servername says otherwise.
    // --no-verify-name: the handshake completes whatever the check found, and the client goes on only if nothing but the name failed.
    servername: serverName ?? host,
    ...(anyName ? { rejectUnauthorized: false } : {}),
    // Naming suites in --cipher is the choice allowCcm8 asks for: aes128ccm8 is used only when named.
    // DTLS 1.2 names go as an OpenSSL cipher string (`ciphers`), with the 1.3 ones named beside them.
    ...(names12.length > 0
      ? { ciphers: [...(cipherSuites ?? []).map((s) => s.toUpperCase()), ...names12].join(':'), allowCcm8: true }
      : cipherSuites
        ? { cipherSuites, allowCcm8: true }
        : {}),
    ...versions,
    ...(groups ? { groups } : {}),
    ...sessions.options,
    ...cidOptions(v),
    ...extensionOptions(v),
    ...peer,
  };
  const { options: diag, inspector } = await diagnostics('client', v, (line) => process.stderr.write(line));
  try {
    const { keyLog, ...observers } = diag;
    const session = connect(host, port, { ...base, ...observers });
    if (keyLog) session.onkeylog = keyLog;
    const save = sessions.saveSession;
    if (save) session.onticket = (ticket) => save(ticket);
    const message = stringValue(v.message);
    const input = message !== undefined ? fixedInput(message) : undefined;
    const offered = offeredText(cipherSuites, groups, versions.maxVersion === 'DTLSv1.2' || names12.length > 0);
    const exchange = new ClientExchange(session, {
      timeout,
      idleTimeout,
      replies,
      offered,
      earlyData: sessions.options.earlyData,
      anyName,
      showCerts: v.showcerts === true,
      pskIdentity: sessions.options.psk?.identity,
      hasCa: caPath !== undefined,
      showProtocol: v.msg === true || v.trace === true,
      quiet: v.quiet === true,
    });
    // Ctrl-C (SIGINT) or SIGTERM: close with close_notify, then exit; a second one exits at once.
    const onSignal = (): void => exchange.interrupt();
    process.on('SIGINT', onSignal).on('SIGTERM', onSignal);
    let code: number;
    try {
      code = await exchange.run((backlog) => input ?? stdinLines(backlog));
    } finally {
      process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
    }
    if (inspector) {
      const stop = interrupted(); // listening before saying so: a Ctrl-C right after the line must not kill the process
      process.stderr.write(`inspector: still serving ${inspector.url}; press Ctrl-C to exit\n`);
      await stop;
    }
    return code;
  } finally {
    inspector?.close();
  }
}

/** --message: one record, then the end of input. */
function fixedInput(message: string): LineInput {
  return {
    start(onItems, onEnd) {
      onItems(
        inputItems([message]).map((i) => (i.kind === 'text' ? { kind: 'text', text: i.text.replace(/\n$/, '') } : i)),
      );
      onEnd();
    },
    drained() {},
    stop() {},
  };
}

/** What this client offers, for explaining a handshake_failure the server sent. */
function offeredText(
  cipherSuites: readonly string[] | undefined,
  groups: readonly string[] | undefined,
  dtls12: boolean,
): string {
  if (dtls12)
    return `DTLS 1.2 (and the 1.3 range asked for); cipher suites ${cipherSuites?.join(', ') ?? 'default'}; groups ${groups?.join(', ') ?? 'default'}`;
  try {
    const c = resolveConfig('client', {
      ...(cipherSuites ? { cipherSuites: cipherSuites as never } : {}),
      ...(groups ? { groups: groups as never } : {}),
    });
    return `cipher suites ${c.cipherSuites.join(', ')}; groups ${c.groups.join(', ')}`;
  } catch {
    return `cipher suites ${cipherSuites?.join(', ') ?? 'default'}; groups ${groups?.join(', ') ?? 'default'}`;
  }
}

interface ExchangeLimits {
  readonly timeout: number | undefined;
  readonly idleTimeout: number | undefined;
  /** --replies N: after the end of input, wait for N lines from the server (counted from the start) before closing. */
  readonly replies: number | undefined;
  readonly offered: string;
  /** --early-data: say what became of it, and send it again if the server refused it. */
  readonly earlyData: Uint8Array | undefined;
  /** --no-verify-name: a certificate that verified for another name is accepted. */
  readonly anyName: boolean;
  /** --showcerts: print the peer's whole chain in PEM, as openssl s_client -showcerts. */
  readonly showCerts: boolean;
  /** --psk's identity, when the client offers one: a server that does not take it answers with a certificate instead. */
  readonly pskIdentity: string | undefined;
  /** --ca was given: without it the client trusts no private CA, so a certificate server fails with unknown_ca. */
  readonly hasCa: boolean;
  /** --msg / --trace: say which protocol version was negotiated. */
  readonly showProtocol: boolean;
  /** --quiet (openssl's -quiet): no summary of the handshake on stderr; failures are still said. */
  readonly quiet: boolean;
}

/** The exit code after an interrupt (128 + SIGINT), as shells report a command ended by Ctrl-C. */
const INTERRUPTED = 130;

/** One client run: input to records, records to stdout, until the input ends (and --replies came), :quit, a limit, a close by the server, or a failure. */
class ClientExchange {
  private readonly session: DtlsSession;
  private readonly limits: ExchangeLimits;
  private readonly queue: InputItem[] = [];
  private queuedBytes = 0;
  private connected = false;
  private inputEnded = false;
  private closing = false;
  /** Records sent (0-RTT data included). */
  private sent = 0;
  /** Reply lines received from the server (replyLines): what --replies counts. */
  private received = 0;
  /** For pacing only: records taken as answered (a reply each, or given up on after WINDOW_WAIT_MS). */
  private answered = 0;
  /** --idle-timeout closed the exchange. */
  private idled = false;
  private failure: string | undefined;
  private windowTimer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private input: LineInput | undefined;
  private readonly decoder = new TextDecoder();
  /** The replies printed so far end inside a line (closed with a newline at the end). */
  private lineOpen = false;
  /** Ctrl-C or SIGTERM asked the client to close. */
  private interrupted = false;
  /** When the handshake started and completed (performance.now()); the end of input waits for the server's first words. */
  private readonly startedAt = performance.now();
  private connectedAt = 0;
  /** The end of input's close, waiting for FIRST_WORDS_MS to pass and the socket to be read. */
  private closeTimer: NodeJS.Timeout | undefined;
  /** REPLY_SILENCE_MS: the wait for --replies after the end of input, restarted by each message. */
  private silenceTimer: NodeJS.Timeout | undefined;

  constructor(session: DtlsSession, limits: ExchangeLimits) {
    this.session = session;
    this.limits = limits;
  }

  run(makeInput: (backlog: () => number) => LineInput): Promise<number> {
    return new Promise<number>((resolve) => {
      const s = this.session;
      const whole =
        this.limits.timeout === undefined
          ? undefined
          : setTimeout(
              () =>
                this.fail(
                  `timeout: the exchange took longer than --timeout ${this.limits.timeout} ms${this.replyProgress()}`,
                ),
              this.limits.timeout,
            );
      s.onhandshake = () => {
        const p = s.parameters!;
        if (this.limits.anyName && !s.authorized && s.authorizationError !== 'HOSTNAME_MISMATCH') {
          this.fail(
            `the server certificate does not verify (${s.authorizationError ?? 'no certificate'}); --no-verify-name accepts only another name`,
          );
          return;
        }
        this.connected = true;
        this.connectedAt = performance.now();
        if (!this.limits.quiet) this.sayConnected();
        // 0-RTT data the server refused (or that could not go: a ticket without early data) goes now, under the handshake's keys.
        if (this.limits.earlyData && p.earlyData !== 'accepted') s.send(this.limits.earlyData);
        // Sent as 0-RTT or now, it is a record the server answers like any other.
        if (this.limits.earlyData) this.sent++;
        this.touch();
        this.pump();
      };
      s.onmessage = (m) => {
        const text = this.decoder.decode(m, { stream: true });
        if (text !== '') process.stdout.write(text);
        if (text !== '') this.lineOpen = !text.endsWith('\n');
        this.received += replyLines(text);
        this.answered++;
        this.touch();
        this.pump();
      };
      const ended = (error: unknown): void => {
        if (error !== undefined) this.failure ??= this.explain(error);
        const reason = s.closeReason ?? 'local';
        clearTimeout(whole);
        clearTimeout(this.windowTimer);
        clearTimeout(this.idleTimer);
        clearTimeout(this.closeTimer);
        clearTimeout(this.silenceTimer);
        this.input?.stop();
        if (this.lineOpen) process.stdout.write('\n');
        if (this.interrupted && this.failure === undefined) {
          resolve(INTERRUPTED);
          return;
        }
        if (this.failure === undefined && reason === 'close_notify') {
          // The server's close_notify is a clean close; input it came before is reported as not sent.
          const unsent = this.queue.filter((i) => i.kind === 'text').length;
          const rest =
            unsent > 0
              ? `; ${unsent} record(s) of input not sent`
              : this.inputEnded
                ? ''
                : '; the rest of the input not read';
          process.stderr.write(`closed by the server (close_notify)${rest}\n`);
          if (!this.repliesOwed()) {
            resolve(0);
            return;
          }
          this.failure = `the server closed the connection (close_notify)${this.replyProgress()}`;
        } else if (this.failure === undefined && reason === 'local' && !(this.idled && this.repliesOwed())) {
          resolve(0);
          return;
        }
        const why =
          this.failure ??
          (this.idled
            ? `idle for --idle-timeout ${this.limits.idleTimeout} ms${this.replyProgress()}`
            : `connection ended (${reason})`);
        process.stderr.write(`dtls13 client: ${why}\n`);
        resolve(1);
      };
      s.closed.then(() => ended(undefined), ended);
      this.input = makeInput(() => this.queuedBytes);
      this.input.start(
        (items) => {
          for (const i of items) {
            this.queue.push(i);
            if (i.kind === 'text') this.queuedBytes += i.text.length;
          }
          this.pump();
        },
        () => {
          this.inputEnded = true;
          this.pump();
        },
      );
    });
  }

  /** What the handshake settled, on stderr: the 'connected:' line, the peer's certificate, resumption, early data. */
  private sayConnected(): void {
    const s = this.session;
    const p = s.parameters!;
    const how = connectedAuthentication(p);
    process.stderr.write(
      `connected: ${connectedSuite(p)} ${p.group ?? 'no (EC)DHE'} ${how}${connected12Details(p)}${negotiatedExtensions(p)}${connectionIdText(s.connectionIds)}\n`,
    );
    const certificate = peerCertificateLine(p.peerCertificateChain);
    if (certificate !== undefined) process.stderr.write(`${certificate}\n`);
    if (this.limits.showCerts) process.stderr.write(certificateChainText(p.peerCertificateChain));
    process.stderr.write(`resumed: ${p.resumed ? 'yes' : 'no'}\n`);
    if (this.limits.earlyData) process.stderr.write(`early data: ${p.earlyData}\n`);
    if (this.limits.showProtocol) process.stderr.write(`protocol: ${protocolOf(p)}\n`);
  }

  /** --replies N was asked for and fewer than N lines came. */
  private repliesOwed(): boolean {
    return this.limits.replies !== undefined && this.received < this.limits.replies;
  }

  /** ' before every reply came (--replies N: K came)' when replies are owed, else ''. */
  private replyProgress(): string {
    return this.repliesOwed()
      ? ` before every reply came (--replies ${this.limits.replies}: ${this.received} came)`
      : '';
  }

  /** Sends what the window allows, runs commands in order, and closes once the input is over (and --replies came). */
  private pump(): void {
    if (!this.connected || this.closing) return;
    while (this.queue.length > 0) {
      const item = this.queue[0]!;
      if (item.kind === 'text') {
        if (this.sent - this.answered >= WINDOW && this.windowTimer === undefined) {
          this.windowTimer = setTimeout(() => {
            this.windowTimer = undefined;
            this.answered = Math.max(this.answered, this.sent - WINDOW + 1); // a peer that does not answer every record: go on
            this.pump();
          }, WINDOW_WAIT_MS);
        }
        if (this.windowTimer !== undefined) return;
        this.queue.shift();
        this.queuedBytes -= item.text.length;
        this.session.send(item.text);
        this.sent++;
        this.touch();
      } else {
        this.queue.shift();
        if (!this.command(item.name)) return;
      }
    }
    this.input?.drained();
    // The end of input closes (openssl s_client's convention), once --replies, when asked for, have all come.
    if (this.inputEnded && !this.repliesOwed()) this.closeAfterFirstWords();
    else if (this.inputEnded) this.awaitReplies();
  }

  /**
   * Replies owed at the end of input, with no limit of the user's (--timeout, --idle-timeout): REPLY_SILENCE_MS of
   * the server's silence ends the wait, so that a server that stopped answering cannot hold the client for good.
   */
  private awaitReplies(): void {
    if (this.limits.timeout !== undefined || this.limits.idleTimeout !== undefined) return;
    if (this.silenceTimer !== undefined) {
      this.silenceTimer.refresh();
      return;
    }
    this.silenceTimer = setTimeout(
      () =>
        this.fail(
          `no reply for ${REPLY_SILENCE_MS} ms${this.replyProgress()}; --timeout MS or --idle-timeout MS sets another limit`,
        ),
      REPLY_SILENCE_MS,
    );
  }

  /**
   * The end of input's close: at once when the handshake completed FIRST_WORDS_MS ago and longer ago than it took, else
   * then, after one more read of the socket.
   */
  private closeAfterFirstWords(): void {
    const grace = Math.max(FIRST_WORDS_MS, this.connectedAt - this.startedAt);
    const wait = this.connectedAt + grace - performance.now();
    if (wait <= 0) return this.close();
    // setImmediate twice: the second runs after the event loop's next poll, which reads what the socket holds by then.
    this.closeTimer ??= setTimeout(() => setImmediate(() => setImmediate(() => this.close())), wait);
  }

  /** Runs a command; false when it ended the exchange. */
  private command(name: string): boolean {
    switch (name) {
      case 'quit':
      case 'q':
        this.queue.length = 0;
        this.close();
        return false;
      case 'keyupdate':
      case 'k':
        if (this.session.protocol === 'DTLSv1.2') {
          process.stderr.write('no KeyUpdate: this session is DTLS 1.2, which has none (its keys last the session)\n');
          return true;
        }
        this.session.updateKeys(true);
        process.stderr.write('KeyUpdate sent (update_requested): new keys for both directions\n');
        return true;
      case 'rebind':
        this.session.rebind().then(
          (a) =>
            process.stderr.write(
              `rebound: now sending from ${a.address}:${a.port}${this.session.connectionIds ? '' : ' (no connection IDs: the server will not know this address)'}\n`,
            ),
          (e: unknown) => process.stderr.write(`cannot rebind: ${e instanceof Error ? e.message : String(e)}\n`),
        );
        return true;
      default:
        process.stderr.write(
          `unknown command ':${name}' (commands: :keyupdate, :rebind, :quit; '::TEXT' sends ':TEXT')\n`,
        );
        return true;
    }
  }

  private touch(): void {
    if (this.limits.idleTimeout === undefined) return;
    if (this.idleTimer) this.idleTimer.refresh();
    else
      this.idleTimer = setTimeout(() => {
        process.stderr.write(`idle for --idle-timeout ${this.limits.idleTimeout} ms; closing\n`);
        this.idled = true;
        this.close();
      }, this.limits.idleTimeout);
  }

  /** Ctrl-C or SIGTERM: close with close_notify (the server learns the session ended); a second one exits at once. */
  interrupt(): void {
    if (this.interrupted) process.exit(INTERRUPTED);
    this.interrupted = true;
    process.stderr.write('interrupted: closing (close_notify)\n');
    this.queue.length = 0;
    this.close();
  }

  private close(): void {
    if (this.closing) return;
    this.closing = true;
    void this.session.close();
  }

  private fail(reason: string): void {
    this.failure ??= reason;
    this.closing = true;
    void this.session.close();
  }

  /** The runtime's reason, with what a handshake_failure from the server or an ICMP port unreachable most likely means. */
  private explain(error: unknown): string {
    const message = error instanceof Error ? error.message : String(error);
    if ((error as NodeJS.ErrnoException | undefined)?.code === 'ECONNREFUSED') {
      const where = this.session.remoteAddress;
      return `nothing is listening at ${addressText(where?.address, where?.port)} (ECONNREFUSED)`;
    }
    // A PSK handshake has no certificate: one from the server means it did not take our PSK identity.
    if (!this.connected && this.limits.pskIdentity !== undefined && /peer certificate rejected/.test(message)) {
      const ca = this.limits.hasCa ? '' : ' (this client has no --ca, so it verifies no private CA)';
      return `the server did not accept PSK identity '${this.limits.pskIdentity}': it authenticated with a certificate instead, which this client rejected${ca}: ${message}`;
    }
    if (!this.connected && /peer sent handshake_failure/.test(message)) {
      return `${message}: the server accepts none of what this client offered (${this.limits.offered}); the server's log names its side`;
    }
    return message;
  }
}
