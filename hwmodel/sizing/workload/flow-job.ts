/**
 * The flow model's jobs (flow-model.ts): a record or a handshake on its way through the device, with what its pending
 * event is; the pool that gives a finished job to the next arrival (a run makes as many jobs as it ever holds at once,
 * not one a record); and the FIFO a job waits in for a stage's server. A job's kinds and pending events, and the
 * arrival processes (`Source`) whose events the model's queue holds beside the jobs.
 */

export const OPEN = 0;
export const SEAL = 1;
export const HANDSHAKE = 2;
// Protocol events: a forged record (rejected after its full open), a replayed one (after the replay check), a key update.
export const FORGED = 3;
export const REPLAY = 4;
export const KEY_UPDATE = 5;

// What a job's pending event is.
export const EV_TRAIN = 0;
export const EV_TRAIN_NEXT = 1;
export const EV_HS_ARRIVAL = 2;
export const EV_FETCH = 3;
export const EV_DMA = 4;
export const EV_SYM = 5;
export const EV_PK = 6;
export const EV_TX_SENT = 7;
export const EV_HOST_IN = 8;
export const EV_HOST_OUT = 9;
export const EV_EVENT = 10;
export const EV_BUCKET = 11;

/** A train generator of one direction, or the handshake arrival process. */
export class Source {
  ev: number;
  left = 0;
  session = 0;
  readonly kind: number;
  constructor(kind: number, ev: number) {
    this.kind = kind;
    this.ev = ev;
  }
}

/** One record or handshake in the device. `ev`: its pending event (flow-model.ts's EV_*). */
export class Job {
  ev = 0;
  /** DMA in (false) or out (true); memory-bound transfer. */
  out = false;
  memBound = false;
  /** Fetched from the host already (lookaside). */
  fetched = false;
  id = 0;
  /** The next record waiting for the same key context's fetch; on the first of them, the last. */
  nextWait: Job | undefined = undefined;
  lastWait: Job | undefined = undefined;
  kind = 0;
  size = 0;
  bytes = 0;
  session = 0;
  arrival = 0;
  phase = 0;
}

/** Jobs whose records are done with, to be taken again by the next arrivals. */
export class JobPool {
  readonly #free: Job[] = [];
  /** A job for a new arrival. */
  take(kind: number, size: number, bytes: number, session: number, arrival: number, phase: number): Job {
    const job = this.#free.pop() ?? new Job();
    job.ev = 0;
    job.out = false;
    job.memBound = false;
    job.fetched = false;
    job.id = 0;
    job.nextWait = undefined;
    job.lastWait = undefined;
    job.kind = kind;
    job.size = size;
    job.bytes = bytes;
    job.session = session;
    job.arrival = arrival;
    job.phase = phase;
    return job;
  }
  /** Takes back `job`, referenced nowhere any more. */
  give(job: Job): void {
    this.#free.push(job);
  }
}

/** A FIFO of jobs waiting for a stage: a ring that doubles when full. */
export class JobFifo {
  #items: (Job | undefined)[] = new Array<Job | undefined>(16).fill(undefined);
  #head = 0;
  #length = 0;
  get length(): number {
    return this.#length;
  }
  push(j: Job): void {
    if (this.#length === this.#items.length) this.#grow();
    this.#items[(this.#head + this.#length) & (this.#items.length - 1)] = j;
    this.#length++;
  }
  shift(): Job | undefined {
    if (this.#length === 0) return undefined;
    const h = this.#head;
    const j = this.#items[h];
    this.#items[h] = undefined; // let the job go
    this.#head = (h + 1) & (this.#items.length - 1);
    this.#length--;
    return j;
  }
  #grow(): void {
    const n = this.#items.length;
    const items = new Array<Job | undefined>(n * 2).fill(undefined);
    for (let k = 0; k < n; k++) items[k] = this.#items[(this.#head + k) & (n - 1)];
    this.#items = items;
    this.#head = 0;
  }
}
