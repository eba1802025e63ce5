/**
 * The X25519MLKEM768 hybrid group (draft-ietf-tls-ecdhe-mlkem §3, 0x11EC) from any provider's X25519 share and an
 * ML-KEM-768: client sends ek (1184) ‖ X25519 (32); server ct (1088) ‖ X25519 (32); secret ML-KEM ‖ X25519. Checks
 * (FIPS 203 §7.2, lengths, X25519 validity) fail as CryptoError (illegal_parameter). A KEM is not a DH: reading
 * `publicKey` first makes a client's share, calling `deriveSecret` first a server's, so the `KeyShare` contract holds.
 */
import { concatBytes } from '../wire/bytes.js';
import type { Kem } from './kem.js';
import { CryptoError, type KeyShare } from './provider.js';

/** The group's name in `groups` and on the wire (IANA: X25519MLKEM768). */
export const X25519_MLKEM768 = 'x25519mlkem768';

const X25519_LENGTH = 32;
const SEED_LENGTH = 64;
/** `keyShareFromPrivate`'s private key: the ML-KEM seed d ‖ z (64 bytes) ‖ the X25519 private key (32). */
export const X25519_MLKEM768_PRIVATE_LENGTH = SEED_LENGTH + X25519_LENGTH;

type Role =
  | { readonly kind: 'unused' }
  | { readonly kind: 'client'; readonly publicKey: Uint8Array; readonly decapsulationKey: Uint8Array }
  | { readonly kind: 'server'; readonly publicKey: Uint8Array }
  | { readonly kind: 'released' };

class X25519MlKem768Share implements KeyShare {
  readonly group = X25519_MLKEM768;
  private readonly ecdh: KeyShare;
  private readonly kem: Kem;
  private readonly seed: Uint8Array;
  private role: Role = { kind: 'unused' };

  constructor(ecdh: KeyShare, kem: Kem, seed: Uint8Array) {
    if (seed.length !== SEED_LENGTH)
      throw new CryptoError(`${X25519_MLKEM768} ML-KEM seed must be ${SEED_LENGTH} bytes`);
    this.ecdh = ecdh;
    this.kem = kem;
    this.seed = seed;
  }

  get publicKey(): Uint8Array {
    switch (this.role.kind) {
      case 'client':
      case 'server':
        return this.role.publicKey;
      case 'released':
        throw new CryptoError(`${X25519_MLKEM768} key share has been released`);
      case 'unused': {
        const { encapsulationKey, decapsulationKey } = this.kem.keyGen(this.seed);
        const publicKey = concatBytes([encapsulationKey, this.ecdh.publicKey]);
        this.role = { kind: 'client', publicKey, decapsulationKey };
        return this.role.publicKey;
      }
    }
  }

  deriveSecret(peer: Uint8Array): Uint8Array {
    switch (this.role.kind) {
      case 'released':
        throw new CryptoError(`${X25519_MLKEM768} key share has been released`);
      case 'server':
        throw new CryptoError(`${X25519_MLKEM768} server share has already answered a client share`);
      case 'client':
        return this.decapsulate(peer, this.role.decapsulationKey);
      case 'unused':
        return this.encapsulate(peer);
    }
  }

  /** Client: the server's ciphertext ‖ X25519 value. */
  private decapsulate(peer: Uint8Array, decapsulationKey: Uint8Array): Uint8Array {
    const expected = this.kem.ciphertextLength + X25519_LENGTH;
    if (peer.length !== expected)
      throw new CryptoError(`${X25519_MLKEM768} server share must be ${expected} bytes, got ${peer.length}`);
    const ecdhSecret = this.ecdh.deriveSecret(peer.subarray(this.kem.ciphertextLength));
    const kemSecret = this.kem.decapsulate(peer.subarray(0, this.kem.ciphertextLength), decapsulationKey);
    return concatBytes([kemSecret, ecdhSecret]);
  }

  /** Server: the client's encapsulation key ‖ X25519 value. */
  private encapsulate(peer: Uint8Array): Uint8Array {
    const expected = this.kem.encapsulationKeyLength + X25519_LENGTH;
    if (peer.length !== expected)
      throw new CryptoError(`${X25519_MLKEM768} client share must be ${expected} bytes, got ${peer.length}`);
    let encapsulated: { readonly ciphertext: Uint8Array; readonly sharedSecret: Uint8Array };
    try {
      encapsulated = this.kem.encapsulate(peer.subarray(0, this.kem.encapsulationKeyLength));
    } catch (e) {
      throw new CryptoError(
        `${X25519_MLKEM768} client encapsulation key fails the FIPS 203 §7.2 check (${e instanceof Error ? e.message : String(e)})`,
      );
    }
    const ecdhSecret = this.ecdh.deriveSecret(peer.subarray(this.kem.encapsulationKeyLength));
    this.role = { kind: 'server', publicKey: concatBytes([encapsulated.ciphertext, this.ecdh.publicKey]) };
    return concatBytes([encapsulated.sharedSecret, ecdhSecret]);
  }

  release(): void {
    if (this.role.kind === 'client') this.role.decapsulationKey.fill(0);
    this.seed.fill(0);
    this.ecdh.release();
    this.role = { kind: 'released' };
  }
}

/** A fresh X25519MLKEM768 share from a fresh X25519 share and 64 random bytes for the ML-KEM seed. */
export function generateX25519MlKem768Share(
  x25519: KeyShare,
  kem: Kem,
  randomBytes: (n: number) => Uint8Array,
): KeyShare {
  return new X25519MlKem768Share(x25519, kem, randomBytes(SEED_LENGTH));
}

/** A share from a known 96-byte private key (ML-KEM seed d ‖ z, X25519 private key), for tests with fixed values. */
export function x25519MlKem768ShareFromPrivate(
  privateKey: Uint8Array,
  kem: Kem,
  x25519FromPrivate: (raw: Uint8Array) => KeyShare,
): KeyShare {
  if (privateKey.length !== X25519_MLKEM768_PRIVATE_LENGTH)
    throw new CryptoError(
      `${X25519_MLKEM768} private key must be ${X25519_MLKEM768_PRIVATE_LENGTH} bytes (ML-KEM seed d ‖ z, X25519 key)`,
    );
  return new X25519MlKem768Share(
    x25519FromPrivate(privateKey.subarray(SEED_LENGTH)),
    kem,
    privateKey.slice(0, SEED_LENGTH),
  );
}
