/**
 * The parts of a DTLS 1.2 handshake both roles do alike: taking the peer's certificate chain (with the 1.3 connection's
 * verifier), the master secret and epoch-1 ciphers, and Finished.
 */
import type { CertificateEntry } from '../../generated/wire/certificate.js';
import type { Tls12Certificate } from '../../generated/wire/tls12-certificate.js';
import type { KeyExchangeGroup, PublicKeyHandle, SignatureAlgorithm } from '../crypto/provider.js';
import { acceptPeerCertificate } from '../connection/peer-authentication.js';
import type { CertificateTypeName } from '../connection/certificate-types.js';
import { ProtocolError } from '../handshake/protocol-error.js';
import { constantTimeEqual } from '../wire/bytes.js';
import type { Cids12 } from './cid12.js';
import type { Config12 } from './config12.js';
import type { HandshakeLog12 } from './handshake-log.js';
import type { Io12 } from './io12.js';
import { extendedMasterSecret, keyBlock, keyLogLine12, masterSecret, verifyData } from './key-derivation.js';
import { EpochCipher12 } from '../record/codec12.js';
import type { Dtls12SuiteParams } from '../versions/suites12.js';

export interface Peer12 {
  readonly chain: readonly Uint8Array[];
  readonly key: PublicKeyHandle;
}

/** What every keyed state holds: the log, the randoms, the suite, the master secret. */
export interface Keyed12 {
  readonly log: HandshakeLog12;
  readonly clientRandom: Uint8Array;
  readonly serverRandom: Uint8Array;
  readonly suite: Dtls12SuiteParams;
  readonly master: Uint8Array;
  readonly sessionId: Uint8Array;
  readonly resumed: boolean;
  /** RFC 7627: the master secret is bound to the handshake (only such sessions are kept for resumption). */
  readonly extendedMasterSecret: boolean;
  readonly helloVerifyRequest: boolean;
  readonly peer: Peer12 | undefined;
  readonly group: KeyExchangeGroup | undefined;
  readonly signatureAlgorithm: SignatureAlgorithm | undefined;
}

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

/** The master secret (RFC 7627 §4: over the session_hash, the log up to ClientKeyExchange), logged to keyLog as CLIENT_RANDOM. */
export function deriveMaster12(
  config: Config12,
  suite: Dtls12SuiteParams,
  log: HandshakeLog12,
  premaster: Uint8Array,
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
  ems: boolean,
): Uint8Array {
  const provider = config.base.provider;
  const master = ems
    ? extendedMasterSecret(provider, suite.hash, premaster, log.digest())
    : masterSecret(provider, suite.hash, premaster, clientRandom, serverRandom);
  premaster.fill(0);
  config.base.keyLog?.(keyLogLine12(clientRandom, master));
  return master;
}

/** Gives the record layer both directions' epoch-1 ciphers (RFC 5246 §6.3), as tls12_cid records where `cids` names a CID (RFC 9146). */
export function installKeys12(
  io: Io12,
  suite: Dtls12SuiteParams,
  master: Uint8Array,
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
  cids?: Cids12,
): void {
  const provider = io.config.base.provider;
  const kb = keyBlock(provider, suite, master, clientRandom, serverRandom);
  const mine = io.config.role === 'client' ? kb.client : kb.server;
  const theirs = io.config.role === 'client' ? kb.server : kb.client;
  io.writeKeys(new EpochCipher12(provider, suite, mine, 1, cids === undefined ? {} : { cid: cids.peer }));
  io.readKeys(new EpochCipher12(provider, suite, theirs, 1, cids === undefined ? {} : { cid: cids.local }));
  kb.client.key.fill(0);
  kb.server.key.fill(0);
}

/** Our Finished body's verify_data over the log so far. */
export function ourFinished12(io: Io12, k: Keyed12): Uint8Array {
  return verifyData(io.config.base.provider, k.suite.hash, k.master, io.config.role, k.log.digest());
}

/** Checks the peer's verify_data over the log so far (before the peer's Finished enters it). */
export function checkFinished12(io: Io12, k: Keyed12, received: Uint8Array): void {
  const side = io.config.role === 'client' ? 'server' : 'client';
  const expected = verifyData(io.config.base.provider, k.suite.hash, k.master, side, k.log.digest());
  if (!constantTimeEqual(expected, received))
    throw new ProtocolError('decrypt_error', `the ${side} Finished does not verify`);
}
