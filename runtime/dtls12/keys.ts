/**
 * The parts of a DTLS 1.2 handshake both roles do alike: taking the peer's certificate chain (with the 1.3 connection's
 * verifier), the master secret and epoch-1 ciphers, and Finished.
 */
import type { CertificateEntry } from '../../generated/wire/certificate.js';
import { handshakeTypeToNumber, type HandshakeType } from '../../generated/wire/enums.js';
import { decodeTls12Finished, encodeTls12Finished } from '../../generated/wire/tls12-finished.js';
import type { Tls12Certificate } from '../../generated/wire/tls12-certificate.js';
import type { KeyExchangeGroup, PublicKeyHandle, SignatureAlgorithm } from '../crypto/provider.js';
import { acceptPeerCertificate } from '../shared/peer-authentication.js';
import type { CertificateTypeName } from '../shared/certificate-types.js';
import { ProtocolError } from '../handshake/protocol-error.js';
import { constantTimeEqual } from '../wire/bytes.js';
import type { Config12 } from './config.js';
import type { HandshakeLog12 } from './handshake-log.js';
import type { Message12 } from './event.js';
import type { HandshakeParts12 } from './handshake-parts.js';
import type { Handshake12Result } from './handshake-result.js';
import type { Negotiated12Extensions } from './extensions.js';
import type { Connected12 } from './outcome.js';
import type { Session12 } from './session.js';
import type { Out12 } from './flight-entry.js';
import { extendedMasterSecret, keyBlock, masterSecret, verifyData } from './key-derivation.js';
import { keyLogger } from '../shared/key-material.js';
import { EpochCipher12 } from '../record/epoch-cipher12.js';
import type { Dtls12SuiteParams } from '../versions/suites12.js';

export interface Peer12 {
  readonly chain: readonly Uint8Array[];
  readonly key: PublicKeyHandle;
}

/** What the hellos settled, held by every state after them (both roles): the log, the randoms, the suite. */
export interface Hellos12 {
  readonly log: HandshakeLog12;
  readonly clientRandom: Uint8Array;
  readonly serverRandom: Uint8Array;
  readonly suite: Dtls12SuiteParams;
  readonly sessionId: Uint8Array;
  /** RFC 7627: the master secret is bound to the handshake (only such sessions are kept for resumption). */
  readonly extendedMasterSecret: boolean;
  readonly helloVerifyRequest: boolean;
  /** ALPN, use_srtp and the CIDs of the epoch-1 records (RFC 9146, when both hellos carried connection_id). */
  readonly extensions: Negotiated12Extensions;
}

/** What every keyed state holds: the hellos' settlement, the master secret, and what the result reports. */
export interface Keyed12 extends Hellos12 {
  readonly master: Uint8Array;
  readonly resumed: boolean;
  readonly peer: Peer12 | undefined;
  readonly group: KeyExchangeGroup | undefined;
  readonly signatureAlgorithm: SignatureAlgorithm | undefined;
  /** The PSK identity of a PSK or ECDHE_PSK handshake (RFC 4279, 5489), or of the session it resumed. */
  readonly pskIdentity: Uint8Array | undefined;
}

/** One variant per kind `K`, each its own member so that the machine narrows to it, holding a role's `Keyed` state. */
export type KeyedState<K extends string, Keyed extends Keyed12, More> = K extends string
  ? { readonly kind: K; readonly keyed: Keyed } & More
  : never;

/** Validates the peer's chain as the 1.3 connection does (trust anchors or verifyPeer, identity for a client). */
export function acceptChain12(
  config: Config12,
  cert: Tls12Certificate,
  wallClock: number,
  type: CertificateTypeName = 'x509',
): Peer12 {
  if (cert.certificateList.length === 0)
    throw new ProtocolError('bad_certificate', 'the peer sent an empty certificate chain');
  const entries: CertificateEntry[] = cert.certificateList.map((c) => ({ certData: c.cert, extensions: [] }));
  const peerRole = config.role;
  return acceptPeerCertificate(
    config.base,
    peerRole,
    { certificateRequestContext: new Uint8Array(0), certificateList: entries },
    wallClock,
    type,
  );
}

/**
 * The master secret (RFC 7627 §4: over the session_hash, the log up to ClientKeyExchange), logged to keyLog as
 * CLIENT_RANDOM (the NSS key log line Wireshark and `dtls13 dissect` read), formatted only when the sink wants it (a listener's, when anyone listens).
 */
export function deriveMaster12(config: Config12, hs: Hellos12, premaster: Uint8Array): Uint8Array {
  const { suite, clientRandom } = hs;
  const provider = config.base.provider;
  const master = hs.extendedMasterSecret
    ? extendedMasterSecret(provider, suite.hash, premaster, hs.log.digest())
    : masterSecret(provider, suite.hash, premaster, clientRandom, hs.serverRandom);
  premaster.fill(0);
  keyLogger(config.base.keyLog)('CLIENT_RANDOM', clientRandom, master);
  return master;
}

/** Gives the record layer both directions' epoch-1 ciphers (RFC 5246 §6.3), as tls12_cid records where the hellos settled CIDs (RFC 9146). */
export function installKeys12(c: HandshakeParts12, k: Keyed12): void {
  const { suite } = k;
  const cids = k.extensions.cids;
  const provider = c.config.base.provider;
  const kb = keyBlock(provider, suite, k.master, k.clientRandom, k.serverRandom);
  const mine = c.config.role === 'client' ? kb.client : kb.server;
  const theirs = c.config.role === 'client' ? kb.server : kb.client;
  c.outbox.writeKeys(new EpochCipher12(provider, suite, mine, 1, cids === undefined ? {} : { cid: cids.peer }));
  c.reads.pending(new EpochCipher12(provider, suite, theirs, 1, cids === undefined ? {} : { cid: cids.local }));
  kb.client.key.fill(0);
  kb.server.key.fill(0);
}

/** Our ChangeCipherSpec and Finished (verify_data over the log so far), the end of our flight. */
export function ourFinished12(c: HandshakeParts12, k: Keyed12): Out12[] {
  const data = verifyData(c.config.base.provider, k.suite.hash, k.master, c.config.role, k.log.digest());
  return [{ kind: 'changeCipherSpec' }, message12(c, 'finished', encodeTls12Finished({ verifyData: data }), k.log, 1)];
}

/** The peer's Finished (both roles' step): its verify_data checked over the log before it, then added to the log. */
export function verifyPeerFinished12<S extends { readonly keyed: Keyed12 }>(
  c: HandshakeParts12,
  s: S,
  e: { readonly message: Message12 },
  _p: undefined,
  _to: string,
): S {
  const side = c.config.role === 'client' ? 'server' : 'client';
  const k = s.keyed;
  const expected = verifyData(c.config.base.provider, k.suite.hash, k.master, side, k.log.digest());
  if (!constantTimeEqual(expected, decodeTls12Finished(e.message.body).verifyData))
    throw new ProtocolError('decrypt_error', `the ${side} Finished does not verify`);
  addMessage12(k.log, e.message);
  return s;
}

/** Our next handshake message, added to `log` when given. */
export function message12(
  c: HandshakeParts12,
  msgType: HandshakeType,
  body: Uint8Array,
  log: HandshakeLog12 | undefined,
  epoch: 0 | 1 = 0,
): Out12 {
  const messageSeq = c.flights.nextMessageSeq();
  log?.add(handshakeTypeToNumber(msgType), messageSeq, body);
  return { kind: 'handshake', msgType, messageSeq, body, epoch };
}

/** A received handshake message, added to `log`. */
export function addMessage12(log: HandshakeLog12, m: Message12): void {
  log.add(handshakeTypeToNumber(m.msgType), m.messageSeq, m.body);
}

/** The handshake completed: what it settled, the session it gave, and the CIDs, for the connection to report. */
export function connected12(k: Keyed12, clientAuthenticated: boolean, session: Session12 | undefined): Connected12 {
  return { kind: 'connected', result: handshakeResult12(k, clientAuthenticated), session, cids: k.extensions.cids };
}

/** What the handshake settled, as the connection reports it. */
function handshakeResult12(k: Keyed12, clientAuthenticated: boolean): Handshake12Result {
  return {
    version: 'DTLSv1.2',
    cipherSuite: k.suite.name,
    group: k.group,
    signatureAlgorithm: k.signatureAlgorithm,
    extendedMasterSecret: k.extendedMasterSecret,
    resumed: k.resumed,
    helloVerifyRequest: k.helloVerifyRequest,
    clientAuthenticated,
    peerCertificateChain: k.peer?.chain,
    clientRandom: k.clientRandom,
    serverRandom: k.serverRandom,
    masterSecret: k.master,
    pskIdentity: k.pskIdentity,
    alpnProtocol: k.extensions.alpnProtocol,
    srtpProfile: k.extensions.srtpProfile,
  };
}
