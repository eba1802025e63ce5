import type { EpochCipher } from './epoch-cipher.js';
import type { ReplayWindow } from './replay-window.js';
import type { SequenceRecovery } from './sequence-recovery.js';

/** The first application-data epoch (RFC 9147 §6.1). */
export const FIRST_APPLICATION_EPOCH = 3;

/** Application read epochs held at once by default: newest, previous (reordered records) and two installed ahead. */
export const DEFAULT_MAX_READ_EPOCHS = 4;

/** How long a superseded read epoch stays by default, in the caller's time units (ms). */
export const DEFAULT_PREVIOUS_EPOCH_RETENTION = 10_000;

export interface ReadEpoch {
  readonly cipher: EpochCipher;
  readonly window: ReplayWindow;
  /** Probing past a long run of lost records (sequence-recovery.ts). */
  readonly recovery: SequenceRecovery;
  /** When the keys are dropped; set once a record of a newer epoch authenticated. */
  expiresAt: number | undefined;
}

/** What two epoch bits on the wire resolve to (RFC 9147 §4.2.2). */
export type EpochLookup = ReadEpoch | 'deferred' | 'epoch-dropped' | 'unknown-epoch';

/** The read epochs whose keys are held, bounded and retired as {@link RecordReader.installReadKeys} says. */
export class ReadEpochs {
  private readonly retention: number;
  private readonly maxApplicationEpochs: number;
  /** The epochs held, in installation order; replaced, never grown in place. */
  private epochs: readonly ReadEpoch[] = [];
  /** The newest installed epoch per value of the two low bits: {@link resolve}'s first answer, read per record. */
  readonly slots: (ReadEpoch | undefined)[] = [undefined, undefined, undefined, undefined];
  private newestInstalled = -1;
  /** Every read epoch at or below this was installed once and has been dropped (epochs only move forward). */
  private highestDropped = -1;
  /** The newest epoch a record authenticated in, or -1 (read per record; only this class writes it). */
  newestAuthenticated = -1;
  /** The earliest retention end of the epochs held ({@link handleTimeout} has work then), or undefined: none. */
  nextExpiry: number | undefined = undefined;

  constructor(retention: number, maxApplicationEpochs: number) {
    this.retention = retention;
    this.maxApplicationEpochs = maxApplicationEpochs;
  }

  /** How many times keys were installed ({@link install}): read per record; only this class writes it. */
  generation = 0;

  entries(): IterableIterator<[number, ReadEpoch]> {
    return this.epochs.map((r): [number, ReadEpoch] => [r.cipher.epoch, r]).values();
  }

  get(epoch: number): ReadEpoch | undefined {
    return this.epochs.find((r) => r.cipher.epoch === epoch);
  }

  /** Holds `state` for `epoch` (replacing keys already held for it), then enforces the cap. */
  install(epoch: number, state: ReadEpoch): void {
    if (state.cipher.epoch !== epoch)
      throw new Error(`read keys for epoch ${state.cipher.epoch} installed as epoch ${epoch}`);
    const old = this.get(epoch);
    if (old) {
      old.cipher.release();
      this.epochs = this.epochs.map((r) => (r === old ? state : r));
    } else {
      this.epochs = [...this.epochs, state];
    }
    this.generation++;
    if (epoch >= FIRST_APPLICATION_EPOCH) {
      let held = 0;
      for (const r of this.epochs) if (r.cipher.epoch >= FIRST_APPLICATION_EPOCH) held++;
      while (held > this.maxApplicationEpochs) {
        let oldest = Infinity;
        for (const {
          cipher: { epoch: e },
        } of this.epochs)
          if (e >= FIRST_APPLICATION_EPOCH && e !== epoch && e < oldest) oldest = e;
        this.remove(oldest);
        held--;
      }
    }
    this.reindex();
  }

  /** What {@link resolve} remembers of epochs gone and authenticated (a hibernated session keeps it). */
  get marks(): { readonly highestDropped: number; readonly newestAuthenticated: number } {
    return { highestDropped: this.highestDropped, newestAuthenticated: this.newestAuthenticated };
  }

  /** Puts back {@link marks} saved when the session hibernated (after its epochs are installed again). */
  restoreMarks(marks: { readonly highestDropped: number; readonly newestAuthenticated: number }): void {
    this.highestDropped = marks.highestDropped;
    this.newestAuthenticated = marks.newestAuthenticated;
    this.reindex();
  }

  drop(epoch: number): void {
    if (this.remove(epoch)) this.reindex();
  }

  /** A record authenticated in `epoch` at `now`: the first one of a newer application epoch retires older ones. */
  authenticated(epoch: number, now: number): void {
    if (epoch <= this.newestAuthenticated) return;
    this.newestAuthenticated = epoch;
    if (epoch < FIRST_APPLICATION_EPOCH) return;
    let changed = false;
    for (const r of this.epochs) {
      const e = r.cipher.epoch;
      if (e < FIRST_APPLICATION_EPOCH || e >= epoch) continue;
      if (e < epoch - 1) changed = this.remove(e) || changed;
      else if (r.expiresAt === undefined) {
        r.expiresAt = now + this.retention;
        changed = true;
      }
    }
    if (changed) this.reindex();
  }

  handleTimeout(now: number): void {
    let removed = false;
    // No allocation unless an epoch goes; called only once `nextExpiry` has passed.
    for (const r of this.epochs)
      if (r.expiresAt !== undefined && r.expiresAt <= now) removed = this.remove(r.cipher.epoch) || removed;
    if (removed) this.reindex();
  }

  /** The read epoch for two epoch bits (RFC 9147 §4.2.2), or 'epoch-dropped', 'deferred' or 'unknown-epoch'. */
  resolve(bits: number): EpochLookup {
    return this.slots[bits] ?? lapsedOrAhead(bits, this.newestInstalled, this.highestDropped);
  }

  private remove(epoch: number): boolean {
    const r = this.get(epoch);
    if (r === undefined) return false;
    r.cipher.release();
    this.epochs = this.epochs.filter((x) => x !== r);
    if (epoch > this.highestDropped) this.highestDropped = epoch;
    return true;
  }

  private reindex(): void {
    this.slots.fill(undefined);
    const newest: number[] = [-1, -1, -1, -1];
    this.newestInstalled = -1;
    this.nextExpiry = undefined;
    for (const r of this.epochs) {
      const e = r.cipher.epoch;
      if (r.expiresAt !== undefined && (this.nextExpiry === undefined || r.expiresAt < this.nextExpiry))
        this.nextExpiry = r.expiresAt;
      if (e > this.newestInstalled) this.newestInstalled = e;
      if (e > newest[e & 3]!) {
        newest[e & 3] = e;
        this.slots[e & 3] = r;
      }
    }
  }
}

/** What epoch bits naming no held epoch are (RFC 9147 §4.2.2): a recent past epoch, one of the next ones, or neither. */
export function lapsedOrAhead(
  bits: number,
  newestInstalled: number,
  highestDropped: number,
): 'epoch-dropped' | 'deferred' | 'unknown-epoch' {
  const base = Math.max(newestInstalled, highestDropped, 0);
  for (let e = Math.min(base, highestDropped); e >= Math.max(0, base - 3); e--)
    if ((e & 3) === bits) return 'epoch-dropped';
  for (let e = base + 1; e <= base + 3; e++) if ((e & 3) === bits) return 'deferred';
  return 'unknown-epoch';
}
