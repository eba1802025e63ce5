import type { ManualClock } from '../handshake/manual-clock.js';
import { bytesEqual } from '../wire/index.js';
import type { RrcProcedure } from './cid-options.js';

/** RFC 9853 §8.1.1: before a path is validated, at most this many bytes are sent to it per byte received from it. */
export const AMPLIFICATION_FACTOR = 3;

/** path_challenges sent per probed path (RFC 9853 §5.3: several, paced, for loss), spread over T. */
export const CHALLENGES_PER_PATH = 3;

/** What the check asks of the connection. */
export interface PathValidationHost {
  /** Seals a path_challenge for `path` and queues it. */
  send(path: string, msgType: 'path_challenge', cookie: Uint8Array): void;
  /** The size of the datagram a path_challenge makes. */
  challengeSize(): number;
  /** Random bytes (the cookies). */
  random(length: number): Uint8Array;
  /** The check succeeded: records from `to` are the peer's; `from` is the path until now. */
  validated(from: string, to: string): void;
  /** A contested check ended with the old path answering: `candidate` carried a forwarder's copies. */
  forwarderFound(candidate: string): void;
}

interface Check {
  readonly old: string;
  readonly candidate: string;
  /** Probing the old path first (enhanced), or the candidate. */
  phase: 'old' | 'new';
  readonly cookies: Uint8Array[];
  /** Bytes received from and sent to the candidate while it is unvalidated. */
  received: number;
  sent: number;
  challenges: number;
  timer: number | undefined;
  /** Copies of the peer's records came over both paths: the old path is (or was) probed before the candidate may win. */
  contested: boolean;
}

/**
 * One return routability check at a time (RFC 9853 §5: nested rebindings
 * are not handled: a change seen during a check waits for the next record
 * after it). Basic: challenge the candidate address, move when it answers
 * from there. Enhanced: challenge the old address first; a path_response
 * from it keeps the session there, a path_drop or silence until T leads to
 * the basic check of the candidate.
 */
export class PathValidation {
  private check: Check | undefined;
  /** Totals for stats: bytes sent to and received from addresses while unvalidated. */
  readonly totals = { checks: 0, validated: 0, abandoned: 0, unvalidatedBytesSent: 0, unvalidatedBytesReceived: 0 };

  private readonly procedure: RrcProcedure;
  private readonly timeoutMs: number;
  private readonly clock: ManualClock;
  private readonly host: PathValidationHost;

  constructor(procedure: RrcProcedure, timeoutMs: number, clock: ManualClock, host: PathValidationHost) {
    this.procedure = procedure;
    this.timeoutMs = timeoutMs;
    this.clock = clock;
    this.host = host;
  }

  /** An authenticated record came over `path` (not `current`), `bytes` long: starts a check, or counts toward the running one's budget. */
  observed(current: string, path: string, bytes: number): void {
    const c = this.check;
    if (c !== undefined) {
      if (c.candidate === path) {
        c.received += bytes;
        this.totals.unvalidatedBytesReceived += bytes;
      }
      return;
    }
    this.totals.checks++;
    this.totals.unvalidatedBytesReceived += bytes;
    this.check = {
      old: current,
      candidate: path,
      phase: this.procedure === 'enhanced' ? 'old' : 'new',
      cookies: [],
      received: bytes,
      sent: 0,
      challenges: 0,
      timer: undefined,
      contested: false,
    };
    this.challenge();
  }

  /** A path_response or path_drop from `path`; the ones that do not echo a cookie of the check, or come from the wrong path, are discarded (§5.4). */
  answered(msgType: 'path_response' | 'path_drop', cookie: Uint8Array, path: string): void {
    const c = this.check;
    if (c === undefined || !c.cookies.some((k) => bytesEqual(k, cookie))) return;
    const expected = c.phase === 'old' ? c.old : c.candidate;
    if (path !== expected) return;
    if (c.phase === 'new') {
      if (msgType !== 'path_response') return;
      this.end();
      this.totals.validated++;
      this.host.validated(c.old, c.candidate);
      return;
    }
    if (msgType === 'path_response') {
      this.end();
      this.totals.abandoned++;
      if (c.contested) this.host.forwarderFound(c.candidate);
      return;
    }
    this.probeCandidate(c);
  }

  /** The path being checked while a check runs. */
  get candidate(): string | undefined {
    return this.check?.candidate;
  }

  /**
   * Both paths carry copies of the peer's records (RFC 9853 §8.1.2): a
   * record first seen from one of them came again, authenticated, from the
   * other. Either the candidate is a forwarder's (a tap racing the peer's
   * records from its own address) or the old path is (copies spoofed from
   * the address the peer left, after a NAT rebinding); the records cannot
   * tell which. The old path is asked (as the enhanced check does first):
   * a path_response from it ends the check without moving, and the
   * candidate is the forwarder's; a path_drop or silence until T leaves
   * the candidate to its own check. Once per check: later copies change
   * nothing.
   */
  copied(): void {
    const c = this.check;
    if (c === undefined || c.contested) return;
    c.contested = true;
    if (c.phase === 'old') return; // the enhanced check is asking the old path already
    if (c.timer !== undefined) this.clock.clearTimeout(c.timer);
    c.timer = undefined;
    c.phase = 'old';
    c.challenges = 0;
    c.cookies.length = 0;
    this.challenge();
  }

  /** Stops a running check (the connection closed). */
  stop(): void {
    this.end();
  }

  private probeCandidate(c: Check): void {
    if (c.timer !== undefined) this.clock.clearTimeout(c.timer);
    c.timer = undefined;
    c.phase = 'new';
    c.challenges = 0;
    c.cookies.length = 0;
    this.challenge();
  }

  /** Sends one path_challenge of the current phase and arms the next one (or T's end). */
  private challenge(): void {
    const c = this.check;
    if (c === undefined) return;
    const cookie = this.host.random(8);
    const to = c.phase === 'old' ? c.old : c.candidate;
    if (c.phase === 'new') {
      // The candidate is unvalidated: what goes there stays within 3× what came from it (later challenges are skipped beyond it).
      const size = this.host.challengeSize();
      if (c.sent + size <= AMPLIFICATION_FACTOR * c.received) {
        c.sent += size;
        this.totals.unvalidatedBytesSent += size;
        c.cookies.push(cookie);
        this.host.send(to, 'path_challenge', cookie);
      } else if (c.challenges === 0) {
        this.end();
        this.totals.abandoned++;
        return;
      }
    } else {
      c.cookies.push(cookie);
      this.host.send(to, 'path_challenge', cookie);
    }
    c.challenges++;
    const last = c.challenges >= CHALLENGES_PER_PATH;
    // Challenges at 0, T/3 and 2T/3; T ends the phase.
    c.timer = this.clock.setTimeout(() => (last ? this.expired() : this.challenge()), Math.ceil(this.timeoutMs / CHALLENGES_PER_PATH));
  }

  private expired(): void {
    const c = this.check;
    if (c === undefined) return;
    c.timer = undefined;
    if (c.phase === 'old') return this.probeCandidate(c); // §5.2 step 5: T passed on the old path: check the new one
    this.end();
    this.totals.abandoned++;
  }

  private end(): void {
    const c = this.check;
    if (c?.timer !== undefined) this.clock.clearTimeout(c.timer);
    this.check = undefined;
  }
}
