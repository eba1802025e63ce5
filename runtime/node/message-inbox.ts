/** Unread application data kept for `DtlsEndpoint.receive()` at most, by default (messages). */
export const DEFAULT_INBOX_LIMIT = 1024;

/** A caller of `receive()` waiting for the next message. */
interface Reader {
  readonly resolve: (data: Uint8Array) => void;
  readonly reject: (error: Error) => void;
}

/**
 * The application data an endpoint keeps for `receive()`: the messages not read yet and the callers waiting for one. An
 * endpoint makes one only when it keeps messages or someone waits (a session's endpoint, whose data goes to
 * `onmessage`, never does).
 */
export class MessageInbox {
  private readonly messages: Uint8Array[] = [];
  private readers: Reader[] = [];

  /** Nothing kept and nobody waiting. */
  get idle(): boolean {
    return this.messages.length === 0 && this.readers.length === 0;
  }

  /** Messages kept. */
  get length(): number {
    return this.messages.length;
  }

  /** A message from the peer: to the caller waiting longest, else kept while fewer than `limit` are; false when dropped. */
  put(data: Uint8Array, limit: number): boolean {
    const reader = this.readers.shift();
    if (reader) reader.resolve(data);
    else if (this.messages.length < limit) this.messages.push(data);
    else return false;
    return true;
  }

  /** Keeps the oldest `limit` messages; how many newer ones it dropped. */
  trim(limit: number): number {
    const over = Math.max(0, this.messages.length - limit);
    this.messages.length -= over;
    return over;
  }

  /** The oldest message kept, if any. */
  take(): Uint8Array | undefined {
    return this.messages.shift();
  }

  /** The next message, when it comes. */
  wait(): Promise<Uint8Array> {
    return new Promise((resolve, reject) => this.readers.push({ resolve, reject }));
  }

  /** The endpoint ended: every waiting caller gets the error (made only if someone waits). */
  fail(error: () => Error): void {
    if (this.readers.length === 0) return;
    const e = error();
    for (const r of this.readers) r.reject(e);
    this.readers = [];
  }
}
