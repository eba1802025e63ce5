import type { DhGroup } from '../compose.js';
import { nodeGenerateKeyShare, nodeKeyShareFromPrivate } from '../node/key-exchange.js';
import { CryptoError, type KeyExchangeGroup, type KeyShare, type KeyShareAnswer } from '../provider.js';
import type { NativeBinding } from './binding.js';
import { HeldKey } from './handle-owners.js';

const X25519_LENGTH = 32;
/** "A fresh key": an empty array with a backing store of its own (N-API would give an on-heap one one per call). */
const FRESH = new Uint8Array(new ArrayBuffer(0));

function checkPeer(peer: Uint8Array): void {
  if (peer.length !== X25519_LENGTH) throw new CryptoError(`x25519 peer public value must be ${X25519_LENGTH} bytes`);
}

/**
 * The shared secret the addon wrote to `out` (`ok`: it did), copied out and `out` zeroed. OpenSSL refuses low-order
 * points itself (RFC 7748 §6); the all-zero check catches any other zero result.
 */
function sharedSecret(ok: boolean, out: Uint8Array): Uint8Array {
  const secret = out.slice();
  out.fill(0);
  if (!ok) throw new CryptoError('x25519 peer public value gives no shared secret');
  if (secret.every((b) => b === 0)) throw new CryptoError('x25519 shared secret is all zero');
  return secret;
}

/** An X25519 share whose private key lives in the addon (native/src/x25519.c), cleansed by release(). */
class NativeX25519Share extends HeldKey implements KeyShare {
  readonly group = 'x25519';
  readonly publicKey: Uint8Array;
  private readonly out: Uint8Array;

  constructor(binding: NativeBinding, out: Uint8Array, privateKey: Uint8Array) {
    if (privateKey !== FRESH && privateKey.length !== X25519_LENGTH)
      throw new CryptoError(`x25519 private key must be ${X25519_LENGTH} bytes`);
    super(binding, binding.x25519Create(privateKey, out));
    this.out = out;
    this.publicKey = out.slice();
  }

  deriveSecret(peer: Uint8Array): Uint8Array {
    if (this.handle === undefined) throw new CryptoError('x25519 key share has been released');
    checkPeer(peer);
    return sharedSecret(this.binding.x25519Derive(this.handle, peer, this.out), this.out);
  }
}

/**
 * How many X25519 shares a server's process holds ahead (native/src/x25519-ahead.h): `DTLS13_X25519_AHEAD`, 0 to 64,
 * default 16; 0 holds none.
 */
export function x25519AheadTarget(env: string | undefined = process.env.DTLS13_X25519_AHEAD): number {
  if (env === undefined || env === '') return X25519_AHEAD_DEFAULT;
  const n = Number(env);
  if (!Number.isInteger(n) || n < 0 || n > X25519_AHEAD_MAX)
    throw new RangeError(`DTLS13_X25519_AHEAD must be an integer from 0 to ${X25519_AHEAD_MAX}, got ${env}`);
  return n;
}

const X25519_AHEAD_DEFAULT = 16;
const X25519_AHEAD_MAX = 64;
/** Shares made per turn of the event loop while refilling: a few base-point multiplications, not a stall. */
const X25519_AHEAD_PER_TURN = 4;

/** The native provider's key shares: X25519 in the addon, the other groups the node provider's (the hybrid: compose.ts). */
export function nativeKeyExchange(
  binding: NativeBinding,
  aheadTarget = x25519AheadTarget(),
): {
  generateKeyShare(group: DhGroup): KeyShare;
  keyShareFromPrivate(group: DhGroup, privateKey: Uint8Array): KeyShare;
  answerKeyShare(group: KeyExchangeGroup, peer: Uint8Array): KeyShareAnswer | undefined;
  serverKeyShare(group: KeyExchangeGroup): KeyShare | undefined;
} {
  const out = new Uint8Array(new ArrayBuffer(X25519_LENGTH));
  const secretOut = new Uint8Array(new ArrayBuffer(X25519_LENGTH));
  const x25519 = (privateKey: Uint8Array): KeyShare => new NativeX25519Share(binding, out, privateKey);
  const fill = binding.x25519Ahead;
  let refilling = false;
  // After a server's share is taken: shares made ahead in the loop's check phase (after the turn's sends), a few a
  // turn, until the target is held, so the next ClientHello's answer skips the base-point multiplication.
  const refill = (): void => {
    if (fill === undefined || aheadTarget === 0 || refilling) return;
    refilling = true;
    const turn = (): void => {
      refilling = fill(aheadTarget, X25519_AHEAD_PER_TURN) === X25519_AHEAD_PER_TURN;
      if (refilling) setImmediate(turn).unref();
    };
    setImmediate(turn).unref();
  };
  return {
    // One addon call, no handle held (nor finalization registered) for a private key that lives inside that call.
    answerKeyShare: (group, peer) => {
      if (group !== 'x25519' || binding.x25519Answer === undefined) return undefined;
      checkPeer(peer);
      const secret = sharedSecret(binding.x25519Answer(peer, out, secretOut), secretOut);
      refill();
      return { publicKey: out.slice(), secret };
    },
    serverKeyShare: (group) => {
      if (group !== 'x25519') return undefined;
      const share = x25519(FRESH);
      refill();
      return share;
    },
    generateKeyShare: (group) => {
      if (group === 'x25519') return x25519(FRESH);
      return nodeGenerateKeyShare(group);
    },
    keyShareFromPrivate: (group, privateKey) => {
      if (group === 'x25519') return x25519(privateKey);
      return nodeKeyShareFromPrivate(group, privateKey);
    },
  };
}
