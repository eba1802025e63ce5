import { constants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { nativeBinding } from '../crypto/native/binding.js';

/**
 * The C heap is trimmed once this many sessions parked since the last trim: after the burst, or at most every
 * TRIM_INTERVAL_MS while it goes on (a trim takes tens of ms in a process of gigabytes).
 */
export const TRIM_AFTER_PARKED = 1024;
export const TRIM_INTERVAL_MS = 60_000;
/** After the first full collection that follows such a trim, once V8's sweeper has freed what the collection found dead: trimmed again. */
const AFTER_COLLECTION_MS = 1000;

/** The addon's heap trim (the records' pool's idle blocks, then the C heap's free pages); undefined without it. */
export const trimNativeHeap: (() => void) | undefined =
  nativeBinding?.mallocTrim === undefined
    ? undefined
    : (): void => {
        nativeBinding?.ownedPoolTrim?.();
        nativeBinding?.mallocTrim?.();
      };

/**
 * When a server gives its C heap back (malloc_trim through the addon): after a burst of parking, and after the first
 * full collection that follows (V8 frees hibernated connections' buffers only then).
 */
export class HeapTrimmer {
  private readonly trim: (() => void) | undefined;
  private parkedSinceTrim = 0;
  /** Parked since the last full collection was followed by a trim. */
  private parkedSinceCollection = 0;
  private trimmedAt = -Infinity;
  /** Watching for the next full collection, and the trim after it, while one is due. */
  private collection: PerformanceObserver | undefined;
  private afterCollection: NodeJS.Timeout | undefined;
  /** Trims done and the ms they took in all. */
  trims = 0;
  trimMs = 0;

  constructor(trim: (() => void) | undefined) {
    this.trim = trim;
  }

  /** A sweep at `now` parked `parked` sessions (some again, to hibernate them). */
  swept(now: number, parked: number): void {
    if (this.trim === undefined) return;
    this.parkedSinceTrim += parked;
    this.parkedSinceCollection += parked;
    if (this.parkedSinceCollection >= TRIM_AFTER_PARKED) this.watchCollection();
    if (this.parkedSinceTrim < TRIM_AFTER_PARKED || (parked > 0 && now - this.trimmedAt < TRIM_INTERVAL_MS)) return;
    this.parkedSinceTrim = 0;
    this.trimmedAt = now;
    this.run();
  }

  close(): void {
    this.collection?.disconnect();
    this.collection = undefined;
    if (this.afterCollection) clearTimeout(this.afterCollection);
    this.afterCollection = undefined;
  }

  private run(): void {
    const t0 = performance.now();
    this.trim?.();
    this.trims++;
    this.trimMs += performance.now() - t0;
  }

  private watchCollection(): void {
    if (this.collection !== undefined || this.afterCollection !== undefined) return;
    const observer = new PerformanceObserver((list) => {
      if (!list.getEntries().some(isFullCollection)) return;
      observer.disconnect();
      this.collection = undefined;
      this.parkedSinceCollection = 0;
      this.afterCollection = setTimeout(() => {
        this.afterCollection = undefined;
        this.run();
      }, AFTER_COLLECTION_MS);
      this.afterCollection.unref();
    });
    observer.observe({ entryTypes: ['gc'] });
    this.collection = observer;
  }
}

/** A `gc` performance entry of a full (mark-compact) collection (Node puts the kind in `detail`). */
function isFullCollection(e: PerformanceEntry): boolean {
  const detail: unknown = 'detail' in e ? e.detail : undefined;
  return (
    typeof detail === 'object' &&
    detail !== null &&
    'kind' in detail &&
    detail.kind === constants.NODE_PERFORMANCE_GC_MAJOR
  );
}
