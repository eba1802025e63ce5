/**
 * A 1.2 connection's handshake records in: each record's fragments (12-byte headers) reassembled by the 1.3
 * HandshakeReassembler (same format, same caps), the server's first ClientHello taken whole with its input step (the
 * plan: cookie, resumption, suite), and each whole message made its chart event. A message the state does not take (the
 * generated `dtls12*Takes`) is unexpected_message; the peer's flight again is the flight controller's business during
 * the handshake and the chart's `FinishedRetransmitted` once connected.
 */
import type { ClientHello } from '../../generated/wire/client-hello.js';
import type { HandshakeType } from '../../generated/wire/enums.js';
import { decodeClientHello12 } from './client-hello-body.js';
import { readDtlsHandshake, type DtlsHandshake } from '../../generated/wire/dtls-handshake.js';
import { decodeTls12ServerHello } from '../../generated/wire/tls12-server-hello.js';
import { toAlert } from '../shared/alert-mapping.js';
import { offeredVersions } from '../shared/offered-versions.js';
import { HandshakeReassembler } from '../handshake/reassembler.js';
import type { DropReason } from '../record/drops.js';
import { bytesEqual } from '../wire/bytes.js';
import { Reader } from '../wire/reader.js';
import { clientHelloPlan12, type ClientHelloPlan12 } from './client-hello-plan.js';
import {
  clientMessageEvent12,
  messageEventType12,
  serverMessageEvent12,
  type Event12,
  type Message12,
} from './event.js';
import type { Machine12 } from './machine.js';
import type { HandshakeParts12 } from './handshake-parts.js';

/** What else the inbound handshake reaches of its connection. */
export interface Inbound12Parts {
  /** The machine: its state routes each message, it takes each message's chart event (`drive`) and fails. */
  readonly machine: Machine12;
  /** The steps' parts: the configuration, our flights (the peer's flight ends ours), the outbox (our numbering). */
  readonly parts: HandshakeParts12;
  /** The record path's drop counters, for records whose handshake content is refused. */
  readonly drops: { drop(reason: DropReason): void };
  /** The anti-amplification limit: a ClientHello back with our cookie lifts it (RFC 9147 §5.1). */
  readonly amplification: { validate(): void };
  /** The connection's counters (whole messages handed to the handshake are counted here). */
  readonly counts: { handshakeMessagesReceived: number };
}

export class HandshakeInbound12 {
  readonly reassembler = new HandshakeReassembler();
  private readonly c: Inbound12Parts;
  /** Server: the first ClientHello, decoded where its version was chosen (runtime/connection), until a ClientHello comes. */
  private known: { readonly body: Uint8Array; readonly hello: ClientHello } | undefined;

  /** A connection's handshake records in (the peer's next flight ends ours, its last flight again means ours was lost, RFC 6347 §4.2.4). */
  constructor(c: Inbound12Parts) {
    this.c = c;
  }

  /** Server: the ClientHello about to come, decoded already: when these are its bytes, not decoded twice. */
  expect(known: { readonly body: Uint8Array; readonly hello: ClientHello }): void {
    this.known = known;
  }

  /** A handshake record's content (after the record-rule table admitted it), under `epoch`. */
  record(fragment: Uint8Array, epoch: 0 | 1, recordSequenceNumber: number): void {
    const machine = this.c.machine;
    const fragments: DtlsHandshake[] = [];
    try {
      const r = new Reader(fragment, 'Handshake12');
      while (r.pos < r.end) fragments.push(readDtlsHandshake(r));
    } catch (e) {
      if (epoch === 1) return this.c.machine.fail(toAlert(e));
      return this.c.drops.drop('malformed');
    }
    for (const f of fragments) {
      if (machine.ended) return;
      if (machine.current.kind === 'waitClientHello') {
        this.clientHello(f, recordSequenceNumber);
        continue;
      }
      let result = this.reassembler.receive(f);
      if (result.kind === 'inconsistent') {
        // Nothing under epoch 0 is authenticated, and epoch-1 messages come only once every epoch-0 one was taken: the
        // bytes held may be an attacker's. The newest win, so the peer's own (or its retransmission) get through.
        this.reassembler.forget(f.messageSeq);
        result = this.reassembler.receive(f);
      }
      if (result.kind === 'old') {
        // Connected, the peer's last flight again is the chart's FinishedRetransmitted; during the handshake the flight timer's business.
        if (machine.current.kind === 'connected') this.c.machine.drive({ type: 'FinishedRetransmitted' });
        else this.c.parts.flights.peerResent();
      } else if (result.kind === 'complete') {
        for (const m of result.messages) {
          if (machine.ended) return;
          if (epoch === 0 && this.awaitsEpoch1(m)) {
            // Anyone's: the state takes only its peer's ChangeCipherSpec or Finished now (RFC 6347 §4.1.2.7: invalid
            // records are dropped). next_receive_seq goes back to it, so the peer's own message is not taken as old.
            this.reassembler.reset(m.messageSeq);
            return this.c.drops.drop('plaintext-refused');
          }
          this.message({ msgType: m.msgType, messageSeq: m.messageSeq, body: m.body, recordSequenceNumber }, epoch);
        }
      }
    }
  }

  /**
   * During the handshake, whether the state waits for its peer's ChangeCipherSpec or Finished (which come only under
   * epoch 1) and does not take `m`: then `m` under epoch 0 can only be an attacker's.
   */
  private awaitsEpoch1(m: { readonly msgType: HandshakeType }): boolean {
    const machine = this.c.machine;
    if (machine.current.kind === 'connected') return false;
    if (!machine.handles('ChangeCipherSpec') && !machine.handles('Finished')) return false;
    const type = messageEventType12(this.c.parts.config.role, m.msgType);
    return type === undefined || type === 'Finished' || !machine.handles(type);
  }

  /**
   * Server in waitClientHello: a whole ClientHello only; no state before the cookie (RFC 6347 §4.2.1). Its plan
   * (client-hello-plan.ts: the cookie check, the session to resume, the suite) is the input step the chart's guards
   * branch on; one that does not decode is dropped unanswered.
   */
  private clientHello(f: DtlsHandshake, recordSequenceNumber: number): void {
    if (f.msgType !== 'client_hello' || f.fragmentOffset !== 0 || f.fragment.length !== f.length)
      return this.c.drops.drop('plaintext-refused');
    const known = this.known;
    this.known = undefined;
    let ch: ClientHello;
    try {
      ch = known !== undefined && bytesEqual(known.body, f.fragment) ? known.hello : decodeClientHello12(f.fragment);
    } catch {
      return this.c.drops.drop('malformed');
    }
    // RFC 8446 §4.2.1: with supported_versions only what it lists is offered. (A server doing 1.3 too hands this state
    // only ClientHellos that chose 1.2: runtime/connection/hello-phase.ts.)
    if (!offeredVersions(ch).dtls12) {
      return this.c.machine.fail({
        alert: 'protocol_version',
        message: 'the ClientHello offers no version this server enables (DTLSv1.2)',
      });
    }
    const config = this.c.parts.config;
    let plan: ClientHelloPlan12;
    try {
      plan = clientHelloPlan12(config, ch, config.wallClock());
    } catch (e) {
      return this.c.machine.fail(toAlert(e));
    }
    const m: Message12 = { msgType: f.msgType, messageSeq: f.messageSeq, body: f.fragment, recordSequenceNumber };
    if (plan.kind === 'verify') {
      this.c.counts.handshakeMessagesReceived++;
      return this.c.machine.drive({ type: 'ClientHello', message: m, plan });
    }
    if (config.helloVerify) this.c.amplification.validate(); // the plan checked its cookie
    // Our records go on from the ClientHello's record sequence number (RFC 6347 §4.2.1), our messages from its
    // message_seq (§4.2.2).
    const { outbox, flights } = this.c.parts;
    outbox.continuePlaintextFrom(recordSequenceNumber);
    flights.messageSeq = f.messageSeq;
    this.reassembler.reset(f.messageSeq + 1);
    this.message(m, 0, plan);
  }

  private message(m: Message12, epoch: 0 | 1, plan?: ClientHelloPlan12): void {
    this.c.counts.handshakeMessagesReceived++;
    if (this.c.machine.current.kind === 'connected') return this.afterHandshake(m, epoch);
    // The messages after our ChangeCipherSpec come under epoch 1, and Finished only so.
    if ((m.msgType === 'finished') !== (epoch === 1))
      return this.c.machine.fail({ alert: 'unexpected_message', message: `${m.msgType} under epoch ${epoch}` });
    this.c.parts.flights.peerFlight(false);
    this.dispatchMessage(m, plan);
  }

  /** A message as its chart event: one the state does not take (the generated `dtls12*Takes`) is unexpected_message. */
  private dispatchMessage(m: Message12, plan: ClientHelloPlan12 | undefined): void {
    const machine = this.c.machine;
    let event: Event12 | undefined;
    try {
      event =
        this.c.parts.config.role === 'client'
          ? clientMessageEvent12(m, decodeTls12ServerHello)
          : serverMessageEvent12(m, plan);
    } catch (e) {
      return this.c.machine.fail(toAlert(e));
    }
    if (event === undefined || !machine.handles(event.type))
      return this.c.machine.fail({ alert: 'unexpected_message', message: `${m.msgType} in ${machine.current.kind}` });
    this.c.machine.drive(event);
  }

  /** Connected: renegotiation (a HelloRequest or ClientHello under epoch 1) refused by the chart (RFC 5746 §4.2, §4.4), anything else is unexpected. */
  private afterHandshake(m: Message12, epoch: 0 | 1): void {
    if (epoch === 0) return this.c.drops.drop('plaintext-refused');
    this.dispatchMessage(m, undefined);
  }
}
