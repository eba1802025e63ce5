/**
 * A listener's ClientHello in fragments (RFC 6347 §4.2.3, RFC 9147 §5.5), made whole before its version is chosen when
 * the DTLS 1.3 cookie exchange does not do it: on a 1.2-only listener (Chromium's 1,413-byte ClientHello, with its
 * X25519MLKEM768 share, comes in two datagrams even when it then settles for 1.2). The same cache the 1.3 exchange uses
 * ({@link ClientHelloReassembly}: bounded in entries, bytes per entry and time, keyed by address and message_seq,
 * fragments that contradict each other dropped), so a 1.2 listener holds no more per forged fragment than a 1.3 one;
 * the whole ClientHello then goes through the HelloVerifyRequest exchange like any other.
 */
import { encodeDtlsHandshake, encodeDtlsPlaintext } from '../../generated/wire/index.js';
import { ClientHelloReassembly, type ClientHelloReassemblyOptions } from '../dtls13/hello-retry-reassembly.js';

/** What became of a datagram: its ClientHello whole (in one record, rebuilt when it came in pieces), kept for more, or nothing to act on. */
export type FragmentOutcome =
  | { readonly kind: 'whole'; readonly datagram: Uint8Array }
  | { readonly kind: 'buffered' }
  | { readonly kind: 'drop'; readonly reason: string };

export class ClientHelloFragments {
  private readonly cache: ClientHelloReassembly;

  /** @throws ConfigError naming a reassembly option out of its range. */
  constructor(options: ClientHelloReassemblyOptions = {}) {
    this.cache = new ClientHelloReassembly(options);
  }

  /** Partial ClientHellos held, their bytes, and how many were pushed out by newer ones. */
  get pending(): { readonly count: number; readonly bytes: number; readonly evicted: number } {
    return { count: this.cache.size, bytes: this.cache.bytes, evicted: this.cache.evicted };
  }

  /**
   * The first ClientHello (message_seq 0 or 1) in `datagram` from `peer`: the datagram as it is when it holds one
   * whole, a record holding the reassembled one when this fragment completed it. Never throws for peer input.
   */
  take(datagram: Uint8Array, peer: string, now: number): FragmentOutcome {
    const found = this.cache.find(datagram, peer, now);
    if (found.kind !== 'whole') return found;
    if (found.inOneFragment) return { kind: 'whole', datagram };
    const fragment = encodeDtlsHandshake({
      msgType: 'client_hello',
      length: found.body.length,
      messageSeq: found.messageSeq,
      fragmentOffset: 0,
      fragment: found.body,
    });
    const whole = encodeDtlsPlaintext({
      type: 'handshake',
      legacyRecordVersion: found.legacyRecordVersion,
      epoch: 0,
      sequenceNumber: found.recordSequence,
      fragment,
    });
    return { kind: 'whole', datagram: whole };
  }
}
