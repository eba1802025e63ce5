/**
 * The hello phase of a DtlsConnection: the one place the version is chosen (RFC 8446 §4.2.1 as RFC 9147 §5.3 keeps
 * it; RFC 6347 §4.2.1), once, before any version state reads what chose it.
 *
 * - A server doing both holds no version state until its first whole ClientHello: first-client-hello.ts reads what
 *   comes before it (junk, alerts, records for keys nobody has, fragments) and makes it whole; the phase chooses on it
 *   by {@link chooseVersion} (the rule the listener's stateless cookie exchange calls too, version-negotiation.ts) and
 *   makes that version's state, which reads the datagram that made it whole.
 * - A client offering DTLS 1.3 speaks through its 1.3 state until the server's first answer (first-answer.ts): a 1.3
 *   one is that state's; a 1.2 ServerHello or HelloVerifyRequest goes to a 1.2 state made from the ClientHello the 1.3
 *   state sent. A HelloVerifyRequest is authenticated by nothing: until the 1.2 state takes a ServerHello, the 1.3 state
 *   is held here, and a 1.3 answer to the same ClientHello takes it back.
 *
 * The state chosen reads the datagram that chose it first: no datagram is read by two states, no counter taken back.
 */
import { decodeClientHello, type ClientHello } from '../../generated/wire/client-hello.js';
import type { ResolvedConfig } from '../shared/config.js';
import type { VersionState } from '../shared/connection-api.js';
import { Dtls13Connection } from '../dtls13/connection.js';
import { firstAnswer, type FirstAnswer } from './first-answer.js';
import { offeredVersions } from '../shared/offered-versions.js';
import { decodeClientHello12 } from '../dtls12/client-hello-body.js';
import type { Config12 } from '../dtls12/config.js';
import type { Connection12 } from '../dtls12/connection.js';
import { HANDSHAKE, Header12, readHeader12 } from '../record/codec12.js';
import type { DtlsVersionName } from '../versions/versions.js';
import type { Dtls13Feature } from '../dtls12/feature-error.js';
import { FirstClientHello, type WholeClientHello } from './first-client-hello.js';
import type { CommonState } from './common-state.js';
import type { DtlsOptions } from './options.js';
import type { VersionConfigs } from './version-configs.js';
import { CHARTS13 } from './role-drivers.js';
import { serverState12, state12 } from './state12.js';

/** A DtlsConnection's phase: the version still open, or the state of the version chosen. */
export type Phase =
  | { readonly kind: 'hello'; readonly hello: HelloPhase }
  | { readonly kind: 'v13'; readonly state: Dtls13Connection }
  | { readonly kind: 'v12'; readonly state: Connection12 };

/** A ClientHello's body and what it decoded to. */
export interface DecodedClientHello {
  readonly body: Uint8Array;
  readonly hello: ClientHello;
}

/**
 * The longest ClientHello body a 1.2 state takes: one record of 2^14 bytes (RFC 6347 §4.1) less the handshake header.
 * A longer one (only made whole from fragments) goes to the 1.3 state, which refuses it.
 */
export const LONGEST_CLIENT_HELLO_12 = 16_384 - 12;

/**
 * The server's choice on a whole first ClientHello, given the enabled versions (newest first): DTLS 1.3 when it lists
 * 1.3 and 1.3 is enabled; else DTLS 1.2 when it offers 1.2 (listed, or legacy_version without supported_versions),
 * 1.2 is enabled and one 1.2 record holds it; else none (protocol_version).
 */
export function chooseVersion(
  known: DecodedClientHello,
  enabled: readonly DtlsVersionName[],
): DtlsVersionName | undefined {
  const offered = offeredVersions(known.hello);
  if (offered.dtls13 && enabled.includes('DTLSv1.3')) return 'DTLSv1.3';
  if (offered.dtls12 && enabled.includes('DTLSv1.2') && known.body.length <= LONGEST_CLIENT_HELLO_12) return 'DTLSv1.2';
  return undefined;
}

/**
 * Where a connection starts: a thawed session, or one version enabled (or chosen already by the listener from the
 * ClientHello it decoded, hello-responder.ts), in that version's state; a client offering 1.3, or a server doing both
 * without the listener's choice, in the hello phase.
 */
export function firstPhase(
  role: 'client' | 'server',
  options: DtlsOptions,
  configs: VersionConfigs,
  common: CommonState,
  thawed: Dtls13Connection | undefined,
): Phase {
  const { config13, config12 } = configs;
  if (thawed !== undefined) return { kind: 'v13', state: thawed };
  if (config13 === undefined) {
    // 1.2 only: a server's refuses a ClientHello that offers no DTLS 1.2.
    if (role === 'client') return { kind: 'v12', state: state12(options, config12!, common) };
    return { kind: 'v12', state: serverState12(options, config12!, common) };
  }
  if (role === 'server' && config12 !== undefined && options.clientHello12 !== undefined)
    return { kind: 'v12', state: serverState12(options, config12, common) };
  if (role === 'server' && (config12 === undefined || options.statelessRetry !== undefined))
    return { kind: 'v13', state: Dtls13Connection.sharing('server', config13, options, CHARTS13, common) };
  return new HelloPhase(role, { common, options, config13, config12 }).phase;
}

/** What the phase is made of: the connection's common state and options, and its 1.2 configuration when 1.2 is enabled. */
export interface HelloParts {
  readonly common: CommonState;
  readonly options: DtlsOptions;
  readonly config13: ResolvedConfig;
  readonly config12: Config12 | undefined;
}

export class HelloPhase {
  private readonly parts: HelloParts;
  /** Client: the 1.3 state, which sent the offer. */
  private readonly v13: Dtls13Connection | undefined;
  /** Client after a HelloVerifyRequest: the 1.2 state answering it, while {@link v13} is held. */
  private v12: Connection12 | undefined;
  /** Server: what it reads before its first whole ClientHello, no version state made. */
  private readonly first: FirstClientHello | undefined;
  /** The phase the connection is in now: this one until the version is chosen. */
  private now: Phase;

  constructor(role: 'client' | 'server', parts: HelloParts) {
    this.parts = parts;
    this.now = { kind: 'hello', hello: this };
    if (role === 'server') {
      this.first = new FirstClientHello(parts.common, parts.options, parts.config13);
      return;
    }
    // Offering 1.3 only, a client speaks 1.3 from the start: the phase only refuses a HelloVerifyRequest.
    const open = parts.config12 !== undefined;
    this.v13 = Dtls13Connection.sharing(role, parts.config13, parts.options, CHARTS13, parts.common, open);
  }

  /**
   * The phase now: this one while the version is open, else the chosen version's state. A 1.3 state that ended while
   * speaking for the phase (a client's closed by the application, failed, timed out; the one a server's end before any
   * ClientHello made) settles it: nothing after makes a 1.2 state that would forget the end. (A 1.2 state's end
   * settles it as it happens: {@link final12}.)
   */
  get phase(): Phase {
    if (this.now.kind !== 'hello') return this.now;
    const ended = this.first !== undefined ? this.first.ended : this.v12 === undefined ? this.endedClient() : undefined;
    if (ended !== undefined) this.now = { kind: 'v13', state: ended };
    return this.now;
  }

  /** The client's 1.3 state, once it ended while speaking for the phase. */
  private endedClient(): Dtls13Connection | undefined {
    const { failure, state } = this.parts.common;
    return failure !== undefined || state === 'closed' || state === 'failed' ? this.v13 : undefined;
  }

  /** What does the connection's work while the version is open (timers, sends, close, stats). */
  get speaking(): VersionState {
    return this.first ?? this.v12 ?? this.v13!;
  }

  /**
   * The 1.3 state when it is the one speaking, for `feature`; undefined while a 1.2 one is. @throws
   * ConnectionStateError on a server before its first ClientHello, as a 1.3 state refuses it there.
   */
  speaking13(feature: Dtls13Feature): Dtls13Connection | undefined {
    if (this.first !== undefined) return this.first.refuse(feature);
    return this.v12 === undefined ? this.v13 : undefined;
  }

  /** The version state speaking, if one is made (none on a server before its first ClientHello). */
  get state(): Dtls13Connection | Connection12 | undefined {
    return this.v12 ?? this.v13;
  }

  /** A datagram from the peer, before any state read it: the phase after it (the chosen state has read it). */
  receive(datagram: Uint8Array, now: number, path: string | undefined): Phase {
    const p = this.phase;
    if (p.kind !== 'hello') {
      p.state.receive(datagram, now, path);
      return p;
    }
    if (this.first !== undefined) {
      const whole = this.first.receive(datagram, now, path);
      if (whole !== undefined) this.chooseOn(this.first, whole, now, path);
      return this.phase;
    }
    this.clientReceive(datagram, now, path);
    return this.now;
  }

  // ── the server: its first ClientHello ─────────────────────────────────

  /**
   * The server's first ClientHello is whole: the version chosen on it, that version's state made and given the
   * datagram that made it whole. A ClientHello that does not decode, or offers no version enabled, is the 1.3 state's
   * to refuse.
   */
  private chooseOn(first: FirstClientHello, whole: WholeClientHello, now: number, path: string | undefined): void {
    const body = whole.body;
    let known: DecodedClientHello | undefined;
    try {
      known = { body, hello: decodeClientHello12(body) }; // a 1.2 one may have no extensions (client-hello-body.ts)
    } catch {
      known = undefined;
    }
    const { options, config12, common } = this.parts;
    if (known !== undefined && config12 !== undefined && chooseVersion(known, ENABLED_BOTH) === 'DTLSv1.2') {
      const v12 = serverState12(options, config12, common, known, first.versionStats);
      this.now = { kind: 'v12', state: v12 };
      v12.receive(whole.datagram, now, path);
      return;
    }
    const v13 = first.state13();
    if (known !== undefined) v13.expectClientHello(known);
    this.now = { kind: 'v13', state: v13 };
    v13.receive(whole.datagram, now, path);
  }

  // ── the client: the server's first answer ─────────────────────────────

  private clientReceive(d: Uint8Array, now: number, path: string | undefined): void {
    const v12 = this.v12;
    if (v12 !== undefined) {
      if (firstAnswerIn(d)?.version === 'DTLSv1.3') return this.takeBack(v12, d, now, path);
      v12.receive(d, now, path);
      return;
    }
    const v13 = this.v13!;
    const answer = v13.awaitsFirstAnswer ? firstAnswerIn(d) : undefined;
    if (answer === undefined) {
      v13.receive(d, now, path);
      // Still open before connect and while the first answer is awaited; a HelloRetryRequest or the end settles it.
      if (!v13.awaitsFirstAnswer && this.parts.common.state !== 'start') this.now = { kind: 'v13', state: v13 };
      return;
    }
    const config12 = this.parts.config12;
    if (answer.version === 'DTLSv1.3' || config12 === undefined) {
      this.now = { kind: 'v13', state: v13 };
      if (answer.version === 'DTLSv1.3') this.parts.common.protocolVersion = 'DTLSv1.3';
      else if (answer.helloVerifyRequest) {
        // Doing 1.3 only, a HelloVerifyRequest is refused at once rather than waiting for a ServerHello that never
        // comes: no more forgeable than the plaintext alerts taken anyway (RFC 9147 §4.5.2).
        const message =
          'the server answered with a HelloVerifyRequest (it speaks DTLS 1.2), and this client does DTLS 1.3 only';
        return v13.refuse({ alert: 'protocol_version', message });
      }
      return v13.receive(d, now, path);
    }
    this.answerIn12(v13, config12, answer, d, now, path);
  }

  /**
   * The server answered in DTLS 1.2: a 1.2 state takes up from the offer the 1.3 state sent and reads the datagram.
   * After a ServerHello the version is 1.2; after a HelloVerifyRequest the 1.3 state is held until the 1.2 state takes a
   * ServerHello or ends (however it ends: its machine says so once).
   */
  private answerIn12(
    v13: Dtls13Connection,
    config12: Config12,
    answer: FirstAnswer,
    d: Uint8Array,
    now: number,
    path: string | undefined,
  ): void {
    const offer = v13.stepAside();
    if (offer === undefined) return v13.receive(d, now, path); // never: the ClientHello is outstanding until answered
    const v12 = state12(this.parts.options, config12, this.parts.common, {
      ...offer,
      hello: decodeClientHello(offer.body),
    });
    v12.receive(d, now, path);
    if (answer.helloVerifyRequest && this.parts.common.state === 'waitServerHello') {
      this.v12 = v12;
      v12.whenVersionFinal(() => this.final12(v12));
      return;
    }
    v13.abandoned(); // the 1.2 ServerHello: 1.2 for good
    this.now = { kind: 'v12', state: v12 };
  }

  /** The 1.2 state took a ServerHello or ended: the 1.3 state held lets go of its key shares and keys. */
  private final12(v12: Connection12): void {
    this.v12 = undefined;
    this.v13!.abandoned();
    this.now = { kind: 'v12', state: v12 };
  }

  /** A 1.3 answer to our first ClientHello after a HelloVerifyRequest: the 1.3 state speaks again and reads it. */
  private takeBack(v12: Connection12, d: Uint8Array, now: number, path: string | undefined): void {
    this.v12 = undefined;
    v12.setAside();
    const v13 = this.v13!;
    v13.takenBack();
    this.now = { kind: 'v13', state: v13 };
    v13.receive(d, now, path);
  }
}

/** A server's hello phase runs only with both versions enabled. */
const ENABLED_BOTH: readonly DtlsVersionName[] = ['DTLSv1.3', 'DTLSv1.2'];

/** The server's first answer in the datagram's first record, a whole plaintext handshake one, if it is one. */
function firstAnswerIn(d: Uint8Array): FirstAnswer | undefined {
  const h = new Header12();
  if (!readHeader12(d, 0, 0, h) || h.type !== HANDSHAKE || h.epoch !== 0) return undefined;
  return firstAnswer(d.subarray(h.fragmentAt, h.fragmentAt + h.fragmentLength));
}
