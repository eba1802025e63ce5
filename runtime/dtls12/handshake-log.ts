/**
 * The messages of a DTLS 1.2 handshake as both of its uses need them: the running handshake hash (transcript.ts:
 * Finished, the extended master secret's session_hash) and the bytes themselves, which a 1.2 CertificateVerify signs
 * whole (RFC 5246 §7.4.8: the signature scheme hashes handshake_messages itself). Each message enters with its 12-byte
 * header as if sent in one fragment (RFC 6347 §4.2.6). One copy of the bytes is kept, for the hash until ServerHello
 * chose it and while a CertificateVerify may still need them, bounded by the reassembler's caps (a handshake is a few
 * kilobytes).
 */
import type { CryptoProvider, HashAlgorithm, IncrementalHash } from '../crypto/provider.js';
import { putWholeMessageHeader } from './transcript.js';

/** The header of a message hashed and not kept: a hash takes its input before `update` returns. */
const HEADER = new Uint8Array(12);

/** The kept bytes' first size: a full handshake's messages with a chain of a certificate or two. */
const FIRST_KEPT = 2048;

export class HandshakeLog12 {
  private readonly provider: CryptoProvider;
  /** The running hash, once ServerHello chose the suite (its PRF's hash). */
  private running: IncrementalHash | undefined;
  /**
   * The messages kept, each header and body one after the other in one array (grown by doubling): for the hash until
   * it is chosen, for a CertificateVerify until released. No array per message.
   */
  private kept: Uint8Array | undefined;
  private keptLength = 0;
  private released = false;

  constructor(provider: CryptoProvider) {
    this.provider = provider;
  }

  add(msgType: number, messageSeq: number, body: Uint8Array): void {
    const running = this.running;
    if (running !== undefined && this.released) {
      putWholeMessageHeader(HEADER, 0, msgType, messageSeq, body.length);
      running.update(HEADER);
      running.update(body);
      return;
    }
    const at = this.keptLength;
    const end = at + 12 + body.length;
    let kept = this.kept;
    if (kept === undefined || kept.length < end) {
      const grown = new Uint8Array(Math.max(FIRST_KEPT, end, 2 * (kept?.length ?? 0)));
      if (kept !== undefined) grown.set(kept.subarray(0, at));
      this.kept = kept = grown;
    }
    putWholeMessageHeader(kept, at, msgType, messageSeq, body.length);
    kept.set(body, at + 12);
    this.keptLength = end;
    running?.update(kept.subarray(at, end));
  }

  /** After a HelloVerifyRequest: the exchange starts again (RFC 6347 §4.2.6). */
  restart(): void {
    if (this.running !== undefined)
      throw new Error('the transcript restarts only before the hash is chosen (before ServerHello)');
    this.keptLength = 0;
  }

  /** Fixes the hash (the negotiated suite's) and hashes what was kept. */
  choose(hash: HashAlgorithm): void {
    if (this.running !== undefined) throw new Error(`the transcript hash is already ${this.running.algorithm}`);
    this.running = this.provider.createHash(hash);
    if (this.kept !== undefined && this.keptLength > 0) this.running.update(this.kept.subarray(0, this.keptLength));
    if (this.released) this.drop();
  }

  /** Hash(handshake_messages) so far; the log goes on. */
  digest(): Uint8Array {
    if (this.running === undefined) throw new Error('the transcript hash is not chosen yet');
    return this.running.digest();
  }

  /** handshake_messages so far, for a CertificateVerify (RFC 5246 §7.4.8). */
  messages(): Uint8Array {
    if (this.released)
      throw new Error('the handshake messages were released: no CertificateVerify needs them any more');
    return this.kept === undefined ? new Uint8Array(0) : this.kept.slice(0, this.keptLength);
  }

  /** Drops the kept bytes once no CertificateVerify will need them. */
  release(): void {
    this.released = true;
    if (this.running !== undefined) this.drop();
  }

  private drop(): void {
    this.kept = undefined;
    this.keptLength = 0;
  }
}
