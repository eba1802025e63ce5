/**
 * The messages of a DTLS 1.2 handshake as both of its uses need them: the running handshake hash (Transcript12:
 * Finished, the extended master secret's session_hash) and the bytes themselves, which a 1.2 CertificateVerify signs
 * whole (RFC 5246 §7.4.8: the signature scheme hashes handshake_messages itself). Each message enters with its 12-byte
 * header as if sent in one fragment (RFC 6347 §4.2.6). The bytes are kept only while a CertificateVerify may still need
 * them, and are bounded by the reassembler's caps (a handshake is a few kilobytes).
 */
import type { CryptoProvider, HashAlgorithm } from '../crypto/provider.js';
import { concatBytes } from '../wire/bytes.js';
import { Transcript12, wholeMessageHeader } from './transcript.js';

export class HandshakeLog12 {
  private readonly transcript: Transcript12;
  private parts: Uint8Array[] | undefined = [];

  constructor(provider: CryptoProvider) {
    this.transcript = new Transcript12(provider);
  }

  add(msgType: number, messageSeq: number, body: Uint8Array): void {
    this.transcript.add(msgType, messageSeq, body);
    this.parts?.push(wholeMessageHeader(msgType, messageSeq, body.length), body.slice());
  }

  /** After a HelloVerifyRequest: the exchange starts again (RFC 6347 §4.2.6). */
  restart(): void {
    this.transcript.restart();
    if (this.parts !== undefined) this.parts = [];
  }

  choose(hash: HashAlgorithm): void {
    this.transcript.choose(hash);
  }

  digest(): Uint8Array {
    return this.transcript.digest();
  }

  /** handshake_messages so far, for a CertificateVerify (RFC 5246 §7.4.8). */
  messages(): Uint8Array {
    if (this.parts === undefined)
      throw new Error('the handshake messages were released: no CertificateVerify needs them any more');
    return concatBytes(this.parts);
  }

  /** Drops the kept bytes once no CertificateVerify will need them. */
  release(): void {
    this.parts = undefined;
  }
}
