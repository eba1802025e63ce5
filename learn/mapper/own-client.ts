/**
 * dtls13's own client hosted in the learning process: one `connect()` per session, with the options `dtls13 client`
 * gives it for the command `referenceClient` builds (one version, the CA, no name check, the long retransmission
 * timeout, the 10 s handshake limit), and what that command's exchange does besides: nothing sent of its own, the
 * session ended when the server's certificate fails for any reason but its name, and the session's end standing for
 * the process's exit. The client is the same implementation; only where it runs changes. A process per session
 * answers late (its first handshake in a fresh Node.js, on a loaded 2-core machine up to 100 ms after an input), so
 * every step the client does not answer had to wait that long; hosted here, the client computes on the mapper's own
 * event loop, which the step's clock (loop-clock.ts) does not count, and the wait a step needs is the client's own
 * timers' (its ACKs wait 50 ms for the rest of a burst, runtime/dtls13/ack-scheduler.ts).
 */
import { connect } from '../../runtime/index.js';
import type { DtlsSession } from '../../runtime/api/session.js';
import type { CredentialInput } from '../../runtime/pki/credential-input.js';
import type { DatagramChannel } from './datagram-channel.js';
import type { SessionPeer } from './session.js';
import type { StartedClient } from './started-clients.js';

/** What dtls13's own client is given (`dtls13 client --ca --no-verify-name --dtls1_x --retransmit-timeout`). */
export interface OwnClientOptions {
  /** The trust anchor (PEM or DER) for the certificate the mapper's server side presents. */
  readonly ca: CredentialInput;
  /** The client's own certificate chain and key, for servers that ask for one. */
  readonly cert?: CredentialInput;
  readonly key?: CredentialInput;
}

/**
 * The limit on the whole handshake, ms (`referenceClient`'s `--timeout`): longer than any query, so a word that took
 * long on a loaded machine is not ended by the deadline's handshake_failure (the 10 s default was reached by 9-step
 * words, an answer that follows time, not inputs).
 */
export const OWN_CLIENT_HANDSHAKE_TIMEOUT = 50_000;
/**
 * The client's first retransmission timeout, ms: longer than its handshake may last, so it never fires (a query's
 * answers are the client's answers to inputs, not to its timer). The same as `referenceClient`'s command line.
 */
export const OWN_CLIENT_RETRANSMIT_TIMEOUT = 60_000;

/** One hosted client: alive until its session ended (the process's exit, for a client started as a command). */
class OwnClientPeer implements SessionPeer {
  private readonly session: DtlsSession;
  private ended = false;
  private readonly settled: Promise<void>;

  constructor(session: DtlsSession, onEnd: () => void) {
    this.session = session;
    this.settled = session.closed.then(
      () => undefined,
      () => undefined,
    );
    void this.settled.then(() => {
      this.ended = true;
      onEnd();
    });
  }

  alive(): boolean {
    return !this.ended;
  }

  /** Ends the client at once, sending nothing (as a process killed). */
  async stop(): Promise<void> {
    this.session.destroy();
    await this.settled;
  }
}

/**
 * Starts dtls13's own client against `channel` (on `host`), in this process, and reads its first datagram (undefined:
 * none within `startMs`).
 */
export async function startOwnClient(
  options: OwnClientOptions,
  version: '1.2' | '1.3',
  host: string,
  channel: DatagramChannel,
  startMs: number,
): Promise<StartedClient> {
  const only = version === '1.2' ? 'DTLSv1.2' : 'DTLSv1.3';
  const session = connect(host, channel.port, {
    ca: options.ca,
    ...(options.cert !== undefined && options.key !== undefined ? { cert: options.cert, key: options.key } : {}),
    handshakeTimeout: OWN_CLIENT_HANDSHAKE_TIMEOUT,
    servername: host,
    rejectUnauthorized: false,
    minVersion: only,
    maxVersion: only,
    retransmission: { initialTimeout: OWN_CLIENT_RETRANSMIT_TIMEOUT },
  });
  // `dtls13 client --no-verify-name`: a certificate that failed for anything but its name ends the exchange.
  session.onhandshake = () => {
    if (!session.authorized && session.authorizationError !== 'HOSTNAME_MISMATCH') void session.close();
  };
  session.onmessage = () => undefined;
  const peer = new OwnClientPeer(session, () => channel.interrupt());
  const first = await channel.next(performance.now() + startMs);
  return { channel, process: peer, first };
}
