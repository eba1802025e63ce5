import type { CryptoProvider, HashAlgorithm, IncrementalHash } from '../crypto/provider.js';
import { hashLength } from '../crypto/suites.js';
import { copyOf } from '../wire/bytes.js';
import { HandshakeType } from '../../generated/wire/enums.js';

/** A message's TLS header, written for each message added (Uint8Array stores keep the low 8 bits). */
const HEADER = new Uint8Array(4);

/** The handshake transcript (RFC 8446 §4.4.1): messages with TLS's 4-byte header, hashed once the suite is known. */
export class Transcript {
  private readonly provider: CryptoProvider;
  private pending: Uint8Array[] | undefined = [];
  private hash: IncrementalHash | undefined;

  constructor(provider: CryptoProvider) {
    this.provider = provider;
  }

  /** Adds a handshake message given its type and body (the header is built here). */
  addMessage(msgType: number, body: Uint8Array): void {
    const n = body.length;
    // One header for all: add() copies what it keeps, and a hash takes its bytes before update returns.
    HEADER[0] = msgType;
    HEADER[1] = n >>> 16;
    HEADER[2] = n >>> 8;
    HEADER[3] = n;
    this.add(HEADER);
    this.add(body);
  }

  /** Adds bytes already in TLS framing (a whole message, or its parts in order). */
  add(bytes: Uint8Array): void {
    if (this.hash) this.hash.update(bytes);
    else this.pending!.push(copyOf(bytes));
  }

  get algorithm(): HashAlgorithm | undefined {
    return this.hash?.algorithm;
  }

  /** Fixes the hash algorithm (from the negotiated cipher suite) and hashes what was kept. */
  selectHash(algorithm: HashAlgorithm): void {
    if (this.hash) {
      if (this.hash.algorithm !== algorithm) throw new Error(`transcript hash is already ${this.hash.algorithm}`);
      return;
    }
    this.hash = this.provider.createHash(algorithm);
    for (const b of this.pending!) this.hash.update(b);
    this.pending = undefined;
  }

  /** Transcript-Hash of every message added so far. */
  current(): Uint8Array {
    if (!this.hash) throw new Error('transcript hash is not selected yet (no cipher suite)');
    return this.hash.digest();
  }

  /**
   * After a HelloRetryRequest: replaces ClientHello1 with its message_hash (RFC 8446 §4.4.1; after selecting the hash).
   */
  replaceWithMessageHash(): void {
    const digest = this.current();
    const algorithm = this.hash!.algorithm;
    this.hash = this.provider.createHash(algorithm);
    this.hash.update(Uint8Array.of(HandshakeType.message_hash, 0, 0, hashLength(algorithm)));
    this.hash.update(digest);
  }

  /** Starts a transcript from a stateless HelloRetryRequest's cookie: the message_hash of ClientHello1 (RFC 9147 §5.1). */
  startWithMessageHash(algorithm: HashAlgorithm, clientHelloHash: Uint8Array): void {
    if (this.hash || this.pending!.length > 0) throw new Error('the transcript has already begun');
    this.hash = this.provider.createHash(algorithm);
    this.pending = undefined;
    this.hash.update(Uint8Array.of(HandshakeType.message_hash, 0, 0, hashLength(algorithm)));
    this.hash.update(clientHelloHash);
  }

  /** An independent copy (to hash a truncated ClientHello for PSK binders, say). */
  clone(): Transcript {
    const t = new Transcript(this.provider);
    if (this.hash) {
      t.hash = this.hash.clone();
      t.pending = undefined;
    } else t.pending = [...this.pending!];
    return t;
  }
}
