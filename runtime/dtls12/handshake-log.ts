/**
 * The messages of a DTLS 1.2 handshake as both of its uses need them: the running handshake hash (transcript.ts:
 * Finished, the extended master secret's session_hash) and the bytes themselves, which a 1.2 CertificateVerify signs
 * whole (RFC 5246 §7.4.8: the signature scheme hashes handshake_messages itself). Each message enters with its 12-byte
 * header as if sent in one fragment (RFC 6347 §4.2.6). One copy of the bytes is kept, for the hash until ServerHello
 * chose it and while a CertificateVerify may still need them, bounded by the reassembler's caps (a handshake is a few
 * kilobytes).
 */
import type { CryptoProvider, HashAlgorithm, IncrementalHash } from '../crypto/provider.js';
import { concatBytes } from '../wire/bytes.js';
import { wholeMessageHeader } from './transcript.js';

export class HandshakeLog12 {
  private readonly provider: CryptoProvider;
  /** The running hash, once ServerHello chose the suite (its PRF's hash). */
  private running: IncrementalHash | undefined;
  /** The messages kept: for the hash until it is chosen, for a CertificateVerify until released. */
  private parts: Uint8Array[] = [];
  private released = false;

  constructor(provider: CryptoProvider) {
    this.provider = provider;
  }

  add(msgType: number, messageSeq: number, body: Uint8Array): void {
    const header = wholeMessageHeader(msgType, messageSeq, body.length);
    this.running?.update(header);
    this.running?.update(body);
    if (this.running === undefined || !this.released) this.parts.push(header, body.slice());
  }

  /** After a HelloVerifyRequest: the exchange starts again (RFC 6347 §4.2.6). */
  restart(): void {
    if (this.running !== undefined)
      throw new Error('the transcript restarts only before the hash is chosen (before ServerHello)');
    this.parts = [];
  }

  /** Fixes the hash (the negotiated suite's) and hashes what was kept. */
  choose(hash: HashAlgorithm): void {
    if (this.running !== undefined) throw new Error(`the transcript hash is already ${this.running.algorithm}`);
    this.running = this.provider.createHash(hash);
    for (const p of this.parts) this.running.update(p);
    if (this.released) this.parts = [];
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
    return concatBytes(this.parts);
  }

  /** Drops the kept bytes once no CertificateVerify will need them. */
  release(): void {
    this.released = true;
    if (this.running !== undefined) this.parts = [];
  }
}
