/**
 * What a DTLS 1.2 handshake step may do to its connection: send a flight, give the record layer keys, report the
 * outcome. The connection (connection12.ts) implements it; the steps (client12.ts, server12.ts) hold the handshake's
 * data and decide.
 */
import type { AlertDescriptionName, HandshakeType } from '../../generated/wire/enums.js';
import type { SignatureAlgorithm, KeyExchangeGroup } from '../crypto/provider.js';
import type { FatalReason } from '../connection/alert-mapping.js';
import type { SrtpProfileName } from '../connection/srtp.js';
import type { Config12 } from './config12.js';
import type { Negotiated12Extensions } from './extensions12.js';
import type { EpochCipher12 } from '../record/codec12.js';
import type { Session12 } from './session12.js';
import type { Dtls12CipherSuite } from '../versions/suites12.js';

/** One entry of a flight: a handshake message (with its message_seq, sent under `epoch`) or ChangeCipherSpec. */
export type Out12 =
  | {
      readonly kind: 'handshake';
      readonly msgType: HandshakeType;
      readonly messageSeq: number;
      readonly body: Uint8Array;
      readonly epoch: 0 | 1;
    }
  | { readonly kind: 'changeCipherSpec' };

/** What a 1.2 handshake settled, for `handshakeComplete`. */
export interface Handshake12Result {
  readonly version: 'DTLSv1.2';
  readonly cipherSuite: Dtls12CipherSuite;
  readonly group: KeyExchangeGroup | undefined;
  readonly signatureAlgorithm: SignatureAlgorithm | undefined;
  readonly extendedMasterSecret: boolean;
  readonly resumed: boolean;
  readonly helloVerifyRequest: boolean;
  readonly clientAuthenticated: boolean;
  readonly peerCertificateChain: readonly Uint8Array[] | undefined;
  readonly clientRandom: Uint8Array;
  readonly serverRandom: Uint8Array;
  readonly masterSecret: Uint8Array;
  /** The PSK identity of a PSK or ECDHE_PSK handshake (RFC 4279, 5489), or of the session it resumed. */
  readonly pskIdentity?: Uint8Array | undefined;
  /** The application protocol ALPN chose (RFC 7301), or undefined when none was negotiated. */
  readonly alpnProtocol?: string | undefined;
  /** The SRTP protection profile DTLS-SRTP settled (RFC 5764), or undefined when none was negotiated. */
  readonly srtpProfile?: SrtpProfileName | undefined;
}

export interface Io12 {
  readonly config: Config12;
  /** Wall-clock ms (certificate validity, session expiry). */
  readonly wallClock: number;
  /** The next message_seq of ours (RFC 6347 §4.2.2). */
  nextMessageSeq(): number;
  /** Sends a new flight, replacing the last. `final`: the handshake's last flight, not on the timer (RFC 6347 §4.2.4: resent when the peer resends). */
  flight(messages: readonly Out12[], final: boolean): void;
  /** The epoch-1 write keys, used for what follows a ChangeCipherSpec in a flight. */
  writeKeys(cipher: EpochCipher12): void;
  /** The epoch-1 read keys, taken into use at the peer's ChangeCipherSpec. */
  readKeys(cipher: EpochCipher12): void;
  /** The server's message_seq starts at the ClientHello's (RFC 6347 §4.2.2), and its epoch-0 records at the ClientHello's record number. */
  answerClientHello(messageSeq: number): void;
  complete(result: Handshake12Result): void;
  /** What the hellos settled of ALPN, use_srtp and connection_id (the record layer's CIDs from epoch 1 on). */
  extensions(negotiated: Negotiated12Extensions): void;
  /** A session the application can resume (client) or that was stored (server). */
  session(s: Session12): void;
  /** Server, cookie missing: the HelloVerifyRequest, with the ClientHello's message_seq and record number, and nothing kept (RFC 6347 §4.2.1). */
  helloVerifyRequest(body: Uint8Array, messageSeq: number, recordSequenceNumber: number): void;
  /** The peer's ChangeCipherSpec: its epoch-1 keys (given by `readKeys`) read what follows. */
  installReadEpoch(): void;
  /** Connected: application data for the application. */
  deliver(data: Uint8Array): void;
  /** A warning alert (renegotiation refused, RFC 5746 §4.2). */
  warning(description: AlertDescriptionName): void;
  /** Our last flight again: the peer resent its own (RFC 6347 §4.2.4). */
  retransmit(): void;
  /** close_notify sent (RFC 5246 §7.2.1): `close_notify` when answering the peer's, `local` for our close(). */
  closeNotify(reason: 'close_notify' | 'local'): void;
  /** The one fatal alert, and the connection ends with `reason`. */
  fatal(reason: FatalReason): void;
  /** The peer's fatal alert ended the connection. */
  peerAlert(description: AlertDescriptionName): void;
}
