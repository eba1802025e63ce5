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

/** The native provider's key shares: X25519 in the addon, the other groups the node provider's (the hybrid: compose.ts). */
export function nativeKeyExchange(binding: NativeBinding): {
  generateKeyShare(group: DhGroup): KeyShare;
  keyShareFromPrivate(group: DhGroup, privateKey: Uint8Array): KeyShare;
  answerKeyShare(group: KeyExchangeGroup, peer: Uint8Array): KeyShareAnswer | undefined;
} {
  const out = new Uint8Array(new ArrayBuffer(X25519_LENGTH));
  const secretOut = new Uint8Array(new ArrayBuffer(X25519_LENGTH));
  const x25519 = (privateKey: Uint8Array): KeyShare => new NativeX25519Share(binding, out, privateKey);
  return {
    // One addon call, no handle held (nor finalization registered) for a private key that lives inside that call.
    answerKeyShare: (group, peer) => {
      if (group !== 'x25519' || binding.x25519Answer === undefined) return undefined;
      checkPeer(peer);
      const secret = sharedSecret(binding.x25519Answer(peer, out, secretOut), secretOut);
      return { publicKey: out.slice(), secret };
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
