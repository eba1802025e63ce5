/**
 * The default 0-RTT anti-replay store of a server on workers: one {@link MemoryAntiReplay} in the primary, asked by
 * every worker over its port (asynchronous to them). Across hosts, give a RedisAntiReplay from the worker module.
 */
import { MemoryAntiReplay, type AntiReplayStore } from '../../session/anti-replay.js';

/** A worker's question to the primary, and the answer. */
export interface AdmitRequest {
  readonly type: 'admit';
  readonly id: number;
  readonly key: Uint8Array;
  readonly windowMs: number;
}
export interface AdmitAnswer {
  readonly type: 'admitted';
  readonly id: number;
  readonly admitted: boolean;
}

/** Questions unanswered at once, at most; beyond it a worker refuses early data (the handshake goes on without it). */
const MAX_OUTSTANDING = 4096;

/** The worker's side: asks the primary (`post` sends a question on the worker's port). */
export class PrimaryAntiReplay implements AntiReplayStore {
  private readonly post: (request: AdmitRequest) => void;
  private next = 0;
  private readonly waiting = new Map<number, (admitted: boolean) => void>();
  /** The primary's store's generation: tickets issued by any worker carry it (a replacement worker's too). */
  readonly generation: Uint8Array;

  constructor(post: (request: AdmitRequest) => void, generation: Uint8Array) {
    this.post = post;
    this.generation = generation;
  }

  admit(key: Uint8Array, windowMs: number): Promise<boolean> | boolean {
    if (this.waiting.size >= MAX_OUTSTANDING) return false;
    const id = this.next++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      const request: AdmitRequest = { type: 'admit', id, key: Uint8Array.from(key), windowMs };
      this.post(request);
    });
  }

  /** An answer from the primary (unknown ids are ignored). */
  answered(answer: AdmitAnswer): void {
    const resolve = this.waiting.get(answer.id);
    if (resolve === undefined) return;
    this.waiting.delete(answer.id);
    resolve(answer.admitted === true);
  }

  /** Refuses what is still waiting (the endpoint is closing). */
  clear(): void {
    for (const resolve of this.waiting.values()) resolve(false);
    this.waiting.clear();
  }
}

/** The primary's side: one memory store for every worker. */
export class SharedAntiReplay {
  readonly store = new MemoryAntiReplay();

  answer(request: AdmitRequest): AdmitAnswer {
    const admitted =
      request.key instanceof Uint8Array &&
      typeof request.windowMs === 'number' &&
      this.store.admit(request.key, request.windowMs);
    return { type: 'admitted', id: request.id, admitted };
  }
}
