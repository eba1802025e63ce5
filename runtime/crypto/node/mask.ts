import { createCipheriv, type Cipher } from 'node:crypto';
import { CryptoError, type MaskAlgorithm, type MaskKey } from '../provider.js';
import { copyOf } from '../../wire/bytes.js';

const ZEROS = new Uint8Array(16);

/**
 * Record number masks (RFC 9147 §4.2.3) on node:crypto: AES-ECB one block per record, ChaCha20 on 16 zero bytes. The
 * AES sn_key lives in the ECB cipher alone (OpenSSL's context): no copy of it is kept in JavaScript once that is made.
 */
class NodeMaskKey implements MaskKey {
  readonly algorithm: MaskAlgorithm;
  /** ChaCha20's sn_key (a cipher per record takes it with the sample as its nonce); undefined for AES and once released. */
  private key: Uint8Array | undefined;
  private ecb: Cipher | undefined;

  constructor(algorithm: MaskAlgorithm, snKey: Uint8Array) {
    const need = algorithm === 'aes-128' ? 16 : 32;
    if (snKey.length !== need)
      throw new CryptoError(`${algorithm} mask needs a ${need}-byte sn_key, got ${snKey.length}`);
    this.algorithm = algorithm;
    if (algorithm === 'chacha20') this.key = copyOf(snKey);
    else {
      this.ecb = createCipheriv(algorithm === 'aes-128' ? 'aes-128-ecb' : 'aes-256-ecb', snKey, null);
      this.ecb.setAutoPadding(false);
    }
  }

  mask(sample: Uint8Array): Uint8Array {
    const { ecb, key } = this;
    if (ecb === undefined && key === undefined) throw new CryptoError('mask key was released');
    if (sample.length < 16) throw new CryptoError(`the mask needs 16 bytes of ciphertext, got ${sample.length}`);
    const block = sample.subarray(0, 16);
    // A Buffer is a Uint8Array: handed out as it is, without another view object per record.
    return ecb !== undefined ? ecb.update(block) : createCipheriv('chacha20', key!, block).update(ZEROS);
  }

  release(): void {
    this.key?.fill(0);
    this.key = undefined;
    this.ecb = undefined;
  }
}

export function nodeMask(algorithm: MaskAlgorithm, snKey: Uint8Array): MaskKey {
  return new NodeMaskKey(algorithm, snKey);
}
