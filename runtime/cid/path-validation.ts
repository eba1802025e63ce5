import type { ManualClock } from '../handshake/manual-clock.js';
import { bytesEqual } from '../wire/index.js';
import type { RrcProcedure } from './cid-options.js';

/** RFC 9853 §8.1.1: before a path is validated, at most this many bytes are sent to it per byte received from it. */
export const AMPLIFICATION_FACTOR = 3;

/** path_challenges sent per probed path (RFC 9853 §5.3: several, paced, for loss), spread over T. */
export const CHALLENGES_PER_PATH = 3;

/** Further addresses a check probes beside its candidate, at most: where authenticated copies came from meanwhile. */
export const MAX_FURTHER_CANDIDATES = 3;

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

/** The check: the candidate's challenges (as a {@link Probe}'s: cookies, bytes received and sent, its timer), and more. */
interface Check extends Omit<Probe, 'path' | 'until'> {
  readonly old: string;
  readonly candidate: string;
  /** Probing the old path first (enhanced), or the candidate. */
  phase: 'old' | 'new';
  /** Copies of the peer's records came over both paths: the old path is (or was) probed before the candidate may win. */
  contested: boolean;
  /** Further candidates probed in parallel with the candidate, in the new-path phase (see {@link PathValidation.also}). */
  further: Probe[];
}

/** A further candidate's own challenges: its cookies, its 3× budget, its timer. */
interface Probe {
  readonly path: string;
  readonly cookies: Uint8Array[];
  received: number;
  sent: number;
  challenges: number;
  timer: number | undefined;
  /** When its T ends: T after its first challenge. */
  until: number | undefined;
}

/**
 * One return routability check at a time (RFC 9853 §5). Basic: challenge the candidate, move when it answers from
 * there. Enhanced: challenge the old address first; an answer keeps the session there, path_drop or silence until T
 * leads to the basic check.
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
      further: [],
    };
    this.challenge();
  }

  /**
   * An authenticated copy came over a third `path` during a check: an attacker racing a genuine rebinding from decoys
   * looks so. `path` is probed too (within 3× what came from it); whichever answers first with its own cookie wins.
   */
  also(path: string, bytes: number): void {
    const c = this.check;
    if (c === undefined || path === c.candidate || path === c.old) return;
    const known = c.further.find((p) => p.path === path);
    this.totals.unvalidatedBytesReceived += bytes;
    if (known !== undefined) {
      known.received += bytes;
      return;
    }
    if (c.further.length >= MAX_FURTHER_CANDIDATES) return;
    const probe: Probe = {
      path,
      cookies: [],
      received: bytes,
      sent: 0,
      challenges: 0,
      timer: undefined,
      until: undefined,
    };
    c.further.push(probe);
    if (c.phase === 'new') this.challengeFurther(probe);
  }

  /** A path_response or path_drop from `path`; the ones that do not echo a cookie of the check, or come from the wrong path, are discarded (§5.4). */
  answered(msgType: 'path_response' | 'path_drop', cookie: Uint8Array, path: string): void {
    const c = this.check;
    if (c === undefined) return;
    const further =
      c.phase === 'new'
        ? c.further.find((p) => p.path === path && p.cookies.some((k) => bytesEqual(k, cookie)))
        : undefined;
    if (further !== undefined && msgType === 'path_response') {
      this.end();
      this.totals.validated++;
      this.host.validated(c.old, further.path);
      return;
    }
    if (!c.cookies.some((k) => bytesEqual(k, cookie))) return;
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
   * Both paths carry copies of the peer's records (RFC 9853 §8.1.2): one is a forwarder's. The old path is asked, once
   * per check: an answer ends the check without moving; path_drop or silence until T leaves the candidate's check.
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
    for (const p of c.further) {
      // Asked again once the old path has had its T (probeCandidate), with fresh cookies.
      if (p.timer !== undefined) this.clock.clearTimeout(p.timer);
      Object.assign(p, { challenges: 0, timer: undefined, until: undefined });
      p.cookies.length = 0;
    }
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
    for (const p of c.further) if (p.challenges === 0) this.challengeFurther(p);
  }

  /** One path_challenge to a further candidate, within its budget, and the next one armed (its last ends nothing: the check's T does). */
  private challengeFurther(p: Probe): void {
    if (this.check?.further.includes(p) !== true) return;
    p.until ??= this.clock.now + this.timeoutMs;
    const size = this.host.challengeSize();
    if (p.sent + size <= AMPLIFICATION_FACTOR * p.received) {
      const cookie = this.host.random(8);
      p.sent += size;
      this.totals.unvalidatedBytesSent += size;
      p.cookies.push(cookie);
      this.host.send(p.path, 'path_challenge', cookie);
    }
    p.challenges++;
    if (p.challenges < CHALLENGES_PER_PATH)
      p.timer = this.clock.setTimeout(() => this.challengeFurther(p), Math.ceil(this.timeoutMs / CHALLENGES_PER_PATH));
    else p.timer = undefined;
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
    c.timer = this.clock.setTimeout(
      () => (last ? this.expired() : this.challenge()),
      Math.ceil(this.timeoutMs / CHALLENGES_PER_PATH),
    );
  }

  private expired(): void {
    const c = this.check;
    if (c === undefined) return;
    c.timer = undefined;
    if (c.phase === 'old') return this.probeCandidate(c); // §5.2 step 5: T passed on the old path: check the new one
    // A further candidate probed later than the candidate has its own T, from its first challenge: the check lasts until then.
    const until = Math.max(...c.further.map((p) => p.until ?? 0));
    if (until > this.clock.now) {
      c.timer = this.clock.setTimeout(() => this.expired(), until - this.clock.now);
      return;
    }
    this.end();
    this.totals.abandoned++;
  }

  private end(): void {
    const c = this.check;
    if (c?.timer !== undefined) this.clock.clearTimeout(c.timer);
    for (const p of c?.further ?? []) if (p.timer !== undefined) this.clock.clearTimeout(p.timer);
    this.check = undefined;
  }
}
