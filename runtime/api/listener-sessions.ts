import { thrownError } from '../handshake/callback-error.js';
import { tell } from './application-callback.js';
import { DtlsSessionError, withCode, type HandshakeErrorHandler } from './errors.js';
import type { AdmissionSide } from './listener-admission.js';
import type { RemoteAddress } from '../node/peer-paths.js';
import { ListenerCounts } from './listener-stats.js';
import type { SessionDriver } from './session-driver.js';
import { DtlsSession, sessionKeyLog, type SessionLocal } from './session.js';

/**
 * The sessions a listener hands the application, the part of a DtlsListener its admission (listener-admission.ts)
 * tells of them: it makes each session over the driver the admission made, hands it to `onsession`, routes key log
 * lines to it, keeps it until it ends (for the listener's `destroy`), and counts refused and failed handshakes for
 * `onhandshakeerror`. `L`: the listener, each session's `listener`.
 */
export class ListenerSessions<
  L extends { readonly onhandshakeerror: HandshakeErrorHandler | null },
> implements AdmissionSide {
  /** What the listener counts itself (`stats` reads them with its server's counts). */
  readonly counts = new ListenerCounts();
  /** The sessions not yet ended: those the listener's `destroy` ends. */
  private readonly open = new Set<DtlsSession>();
  /** Sessions by their ClientHello.random (hex; the session's own is its driver's `place.random`), for their key log lines. */
  private readonly byClientRandom = new Map<string, DtlsSession>();
  /** Whether a session ever had `onkeylog` set when `onsession` returned (where it is to be set: its secrets come after). */
  private keyLogSet = false;
  private readonly listener: L;
  private readonly onsession: (session: DtlsSession<L>) => void;
  private readonly mtu: number;
  /** This end as each of its sessions shows it: the leaf certificate. */
  private readonly local: SessionLocal;

  constructor(listener: L, onsession: (session: DtlsSession<L>) => void, mtu: number, local: SessionLocal) {
    this.listener = listener;
    this.onsession = onsession;
    this.mtu = mtu;
    this.local = local;
  }

  /** Whether key log lines are wanted for `onkeylog`: a session had it set once `onsession` returned. */
  get keyLogWanted(): boolean {
    return this.keyLogSet;
  }

  makeSession(driver: SessionDriver<DtlsSession>): void {
    new DtlsSession<L>('server', this.mtu, driver, undefined, this.listener, this.local);
  }

  accepted(driver: SessionDriver<DtlsSession>, clientRandom: string | undefined): void {
    const session = driver.session;
    this.counts.serverSessions++;
    this.open.add(session);
    if (clientRandom !== undefined) this.byClientRandom.set(clientRandom, session);
    try {
      this.onsession(session as DtlsSession<L>); // made by makeSession, with this listener
      if (session.onkeylog !== null) this.keyLogSet = true;
    } catch (e) {
      // The session cannot go on without its handler: its handshake ends with internal_error, reported as any callback's.
      driver.apply((connection) => connection.failForCallback('onsession', e));
    }
  }

  sessionEnded(driver: SessionDriver<DtlsSession>): void {
    const session = driver.session;
    this.open.delete(session);
    const random = driver.place.random;
    if (random !== undefined && this.byClientRandom.get(random) === session) this.byClientRandom.delete(random);
  }

  /** A key log line (NSS format: `LABEL <client_random> <secret>`), to the `onkeylog` of the session whose ClientHello had that random. */
  keyLogged(line: string): void {
    const random = line.split(' ', 2)[1];
    const session = random === undefined ? undefined : this.byClientRandom.get(random);
    if (session?.onkeylog) sessionKeyLog(session, line);
  }

  /** Ends every session not ended yet at once (the listener's `destroy`). */
  destroyAll(reason: Error): void {
    for (const s of this.open) s.destroy(reason);
  }

  callbackFailed(error: Error, driver: SessionDriver<DtlsSession>, duringHandshake: boolean): void {
    this.counts.callbackErrors++;
    if (duringHandshake) {
      this.counts.handshakeErrors++;
      const remote = driver.session.remoteAddress;
      tell(
        this.listener.onhandshakeerror,
        withCode(error, 'ERR_DTLS_CALLBACK'),
        remote ? { address: remote.address, port: remote.port } : { address: '', port: 0 },
      );
    }
  }

  handshakeFailed(): void {
    this.counts.handshakeErrors++;
  }

  refused(remote: RemoteAddress, alert: string, reason: string, thrown: unknown): void {
    this.counts.handshakeErrors++;
    if (thrown !== undefined) this.counts.callbackErrors++;
    const error =
      thrown !== undefined
        ? withCode(thrownError(thrown), 'ERR_DTLS_CALLBACK')
        : new DtlsSessionError(
            'ERR_DTLS_ALERT',
            reason.startsWith(`${alert}:`) ? reason : `${alert}: ${reason}`,
            alert,
          );
    tell(this.listener.onhandshakeerror, error, remote);
  }
}
