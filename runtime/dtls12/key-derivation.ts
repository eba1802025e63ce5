/**
 * The (D)TLS 1.2 secrets a handshake derives with the PRF: the master secret, classic (RFC 5246 §8.1) or extended (RFC
 * 7627 §4), the key block (RFC 5246 §6.3), Finished's verify_data (§7.4.9) and exported keying material (RFC 5705 §4,
 * what DTLS-SRTP uses).
 */
import type { CryptoProvider, HashAlgorithm } from '../crypto/provider.js';
import { concatBytes } from '../wire/bytes.js';
import { prf } from './prf.js';
import type { Dtls12SuiteParams } from '../versions/suites12.js';

/** The master secret's length (RFC 5246 §8.1). */
export const MASTER_SECRET_LENGTH = 48;

/** Finished's verify_data length for every suite dtls13 knows (RFC 5246 §7.4.9). */
export const VERIFY_DATA_LENGTH = 12;

/** master_secret = PRF(pre_master_secret, "master secret", ClientHello.random + ServerHello.random)[0..47] (RFC 5246 §8.1). */
export function masterSecret(
  provider: CryptoProvider,
  hash: HashAlgorithm,
  preMasterSecret: Uint8Array,
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
): Uint8Array {
  return prf(
    provider,
    hash,
    preMasterSecret,
    'master secret',
    concatBytes([clientRandom, serverRandom]),
    MASTER_SECRET_LENGTH,
  );
}

/**
 * master_secret = PRF(pre_master_secret, "extended master secret", session_hash)[0..47] (RFC 7627 §4), where
 * session_hash is the transcript hash up to and including ClientKeyExchange (§3).
 */
export function extendedMasterSecret(
  provider: CryptoProvider,
  hash: HashAlgorithm,
  preMasterSecret: Uint8Array,
  sessionHash: Uint8Array,
): Uint8Array {
  return prf(provider, hash, preMasterSecret, 'extended master secret', sessionHash, MASTER_SECRET_LENGTH);
}

/** One direction's AEAD key and the fixed (implicit) part of its nonce. */
export interface WriteKeys {
  readonly key: Uint8Array;
  /** client_write_IV / server_write_IV: the salt of RFC 5288 §3 (4 bytes) or ChaCha20's 12-byte IV (RFC 7905 §2). */
  readonly iv: Uint8Array;
}

/** The key block cut into its parts (RFC 5246 §6.3). AEAD suites have no MAC keys. */
export interface KeyBlock {
  readonly client: WriteKeys;
  readonly server: WriteKeys;
}

/**
 * key_block = PRF(master_secret, "key expansion", server_random + client_random), cut into client_write_key,
 * server_write_key, client_write_IV, server_write_IV (RFC 5246 §6.3; the MAC keys have length 0 for AEAD suites).
 */
export function keyBlock(
  provider: CryptoProvider,
  suite: Dtls12SuiteParams,
  master: Uint8Array,
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
): KeyBlock {
  const k = suite.keyLength;
  const iv = suite.fixedIvLength;
  const block = prf(
    provider,
    suite.hash,
    master,
    'key expansion',
    concatBytes([serverRandom, clientRandom]),
    2 * k + 2 * iv,
  );
  return {
    client: { key: block.slice(0, k), iv: block.slice(2 * k, 2 * k + iv) },
    server: { key: block.slice(k, 2 * k), iv: block.slice(2 * k + iv, 2 * k + 2 * iv) },
  };
}

/** verify_data = PRF(master_secret, finished_label, Hash(handshake_messages))[0..11] (RFC 5246 §7.4.9). */
export function verifyData(
  provider: CryptoProvider,
  hash: HashAlgorithm,
  master: Uint8Array,
  sender: 'client' | 'server',
  handshakeHash: Uint8Array,
): Uint8Array {
  return prf(provider, hash, master, `${sender} finished`, handshakeHash, VERIFY_DATA_LENGTH);
}

/**
 * Exported keying material (RFC 5705 §4): PRF(master_secret, label, client_random + server_random [+ context_length +
 * context]). A context of `undefined` is "no context", which differs from an empty one.
 */
export function exportKeyingMaterial(
  provider: CryptoProvider,
  hash: HashAlgorithm,
  master: Uint8Array,
  label: string,
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
  context: Uint8Array | undefined,
  length: number,
): Uint8Array {
  if (context !== undefined && context.length > 0xffff)
    throw new RangeError(`exporter context must be at most 65535 bytes, got ${context.length}`);
  const reserved = ['client finished', 'server finished', 'master secret', 'key expansion', 'extended master secret'];
  if (reserved.includes(label)) throw new RangeError(`exporter label '${label}' is reserved (RFC 5705 §4)`);
  const seed =
    context === undefined
      ? concatBytes([clientRandom, serverRandom])
      : concatBytes([clientRandom, serverRandom, Uint8Array.of(context.length >> 8, context.length & 0xff), context]);
  return prf(provider, hash, master, label, seed, length);
}

/**
 * The premaster secret of the PSK key exchanges: uint16 length + other_secret + uint16 length + psk, where other_secret
 * is as many zero bytes as the PSK has for plain PSK (RFC 4279 §2) and the ECDH shared secret for ECDHE_PSK (RFC 5489
 * §2).
 */
export function pskPremasterSecret(psk: Uint8Array, otherSecret: Uint8Array = new Uint8Array(psk.length)): Uint8Array {
  if (psk.length > 0xffff || otherSecret.length > 0xffff)
    throw new RangeError('a PSK and other_secret are at most 65535 bytes');
  const out = new Uint8Array(4 + otherSecret.length + psk.length);
  out[0] = otherSecret.length >>> 8;
  out[1] = otherSecret.length & 0xff;
  out.set(otherSecret, 2);
  out[2 + otherSecret.length] = psk.length >>> 8;
  out[3 + otherSecret.length] = psk.length & 0xff;
  out.set(psk, 4 + otherSecret.length);
  return out;
}
