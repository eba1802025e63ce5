/**
 * Where trace text goes: a file written as the simulation runs (buffered in
 * small chunks, never the whole trace in memory), or a string for tests.
 */
import { closeSync, openSync, writeSync } from 'node:fs';

/** A text destination. */
export interface TraceSink {
  write(text: string): void;
  /** Flushes and releases the destination; later writes throw. */
  close(): void;
}

/** Collects everything in memory (tests, small traces). */
export class StringSink implements TraceSink {
  #parts: string[] = [];
  #closed = false;

  write(text: string): void {
    if (this.#closed) throw new Error('write to a closed StringSink');
    this.#parts.push(text);
  }

  close(): void {
    this.#closed = true;
  }

  /** All text written so far. */
  get text(): string {
    const joined = this.#parts.join('');
    this.#parts = [joined];
    return joined;
  }
}

/** Writes to a file through a buffer of at most `bufferBytes` characters (default 64 KiB). */
export class FileSink implements TraceSink {
  readonly path: string;
  readonly #bufferBytes: number;
  #fd: number | undefined;
  #pending: string[] = [];
  #pendingLength = 0;

  constructor(path: string, bufferBytes = 64 * 1024) {
    this.path = path;
    this.#bufferBytes = bufferBytes;
    this.#fd = openSync(path, 'w');
  }

  write(text: string): void {
    if (this.#fd === undefined) throw new Error(`write to closed trace file ${this.path}`);
    this.#pending.push(text);
    this.#pendingLength += text.length;
    if (this.#pendingLength >= this.#bufferBytes) this.flush();
  }

  /** Writes the buffered text to the file now. */
  flush(): void {
    if (this.#fd === undefined || this.#pendingLength === 0) return;
    writeSync(this.#fd, this.#pending.join(''));
    this.#pending = [];
    this.#pendingLength = 0;
  }

  close(): void {
    if (this.#fd === undefined) return;
    this.flush();
    closeSync(this.#fd);
    this.#fd = undefined;
  }
}
