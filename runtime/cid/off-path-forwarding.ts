import type { ManualClock } from '../handshake/manual-clock.js';

/** Record numbers remembered while watching, with the path each first came over. */
const MAX_SEEN_RECORDS = 256;

/** Paths found carrying copies, remembered at once (the oldest is forgotten first). */
const MAX_SUSPECT_PATHS = 8;

/** How long, in checks' T, a path found carrying copies starts no check. */
export const SUSPECT_TIMEOUTS = 5;

/** How long, in checks' T, after a move the path left is watched for the genuine records still coming over it. */
export const PROBATION_TIMEOUTS = 3;

/**
 * RFC 9853 §8.1.2's heuristic against an off-path forwarder (a tap racing copies of the peer's records): during a check
 * and a while after a move, each record's number is kept with the path it first came over; a replayed copy over the
 * other path marks a forwarder. Bounded: 256 record numbers, 8 suspects.
 */
export class OffPathForwarding {
  /** Made when a watch starts and dropped when it stops (most sessions never watch: their idle state holds no map). */
  private seen: Map<string, string> | undefined;
  /** Made with the first suspect. */
  private suspects: Map<string, number> | undefined;
  private pair: readonly [string, string] | undefined;
  /** After a move: the path left, watched until `until` (clock ms). */
  private after: { readonly previous: string; readonly until: number } | undefined;
  private readonly clock: ManualClock;

  constructor(clock: ManualClock) {
    this.clock = clock;
  }

  /** Watches `old` against `candidate` while a check runs (forgetting what was seen before). */
  checking(old: string, candidate: string): void {
    this.seen = undefined;
    this.pair = [old, candidate];
    this.after = undefined;
  }

  /**
   * Watches `current` against the path left while that path is checked again (forgetting what was seen before); the
   * watch after the move goes on, so that if this check fails, later copies over the path left can start another.
   */
  checkingPrevious(current: string): void {
    const a = this.after;
    if (a === undefined) return;
    this.seen = undefined;
    this.pair = [current, a.previous];
  }

  /**
   * The session moved from `previous` after a check: `previous` is watched for `timeoutMs` × {@link PROBATION_TIMEOUTS}.
   * What the check saw is kept: a record that came first over `current` may still come over `previous`, late.
   */
  moved(previous: string, current: string, timeoutMs: number): void {
    this.pair = [previous, current];
    this.after = { previous, until: this.clock.now + PROBATION_TIMEOUTS * timeoutMs };
  }

  /** The path left by the last move, while it is still watched. */
  get previous(): string | undefined {
    const a = this.after;
    if (a === undefined) return undefined;
    if (this.clock.now < a.until) return a.previous;
    this.stop();
    return undefined;
  }

  /** Whether nothing watched is still in its time at `now` (the path left by a move, paths suspected of copies): what it holds can go. */
  quietAt(now: number): boolean {
    if (this.after !== undefined && now < this.after.until) return false;
    for (const until of this.suspects?.values() ?? []) if (now < until) return false;
    return true;
  }

  /** Stops watching (a check ended without copies, the watch after a move ran out). */
  stop(): void {
    this.seen = undefined;
    this.pair = undefined;
    this.after = undefined;
  }

  /** An authenticated record (`epoch`, `sequenceNumber`) came over `path`: remembered when `path` is one of the pair watched. */
  record(epoch: number, sequenceNumber: number, path: string): void {
    if (this.pair === undefined || (path !== this.pair[0] && path !== this.pair[1])) return;
    const key = `${epoch}.${sequenceNumber}`;
    const seen = (this.seen ??= new Map());
    if (seen.has(key)) return;
    if (seen.size >= MAX_SEEN_RECORDS) seen.delete(seen.keys().next().value ?? key);
    seen.set(key, path);
  }

  /** A duplicate of (`epoch`, `sequenceNumber`) came over `path`: whether its first copy came over the other path of the pair. */
  crossed(epoch: number, sequenceNumber: number, path: string): boolean {
    const first = this.seen?.get(`${epoch}.${sequenceNumber}`);
    const pair = this.pair;
    if (first === undefined || pair === undefined || first === path) return false;
    return (first === pair[0] && path === pair[1]) || (first === pair[1] && path === pair[0]);
  }

  /** `path` carried copies: its records start no check for `timeoutMs` × {@link SUSPECT_TIMEOUTS}. */
  suspect(path: string, timeoutMs: number): void {
    const suspects = (this.suspects ??= new Map());
    if (suspects.size >= MAX_SUSPECT_PATHS) suspects.delete(suspects.keys().next().value ?? path);
    suspects.set(path, this.clock.now + SUSPECT_TIMEOUTS * timeoutMs);
  }

  /** Whether `path` carried copies a short while ago. */
  suspected(path: string): boolean {
    const until = this.suspects?.get(path);
    if (until === undefined) return false;
    if (this.clock.now < until) return true;
    this.suspects?.delete(path);
    return false;
  }
}
