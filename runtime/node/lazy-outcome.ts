const noop = (): void => {};

/**
 * A promise made only when asked for (a million sessions nobody awaits keep none), then the same one every time, never
 * unhandled; a rejection's error may be made lazily too (an Error's stack costs).
 */
export class LazyOutcome<T> {
  private promise: Promise<T> | undefined;
  private settle: { resolve: (value: T) => void; reject: (error: Error) => void } | undefined;
  /** Pending, resolved with `result`, or rejected with it (two fields rather than an outcome object per settling). */
  private state: 'pending' | 'resolved' | 'rejected' = 'pending';
  private result: T | Error | undefined;
  /** How to make the error it rejected with, until someone asks for the promise. */
  private makeError: (() => Error) | undefined;

  /** The promise: made now if it was not yet, settled at once when the outcome is known. */
  get(): Promise<T> {
    if (this.promise !== undefined) return this.promise;
    let promise: Promise<T>;
    if (this.state === 'pending') promise = new Promise<T>((resolve, reject) => (this.settle = { resolve, reject }));
    else promise = this.state === 'rejected' ? Promise.reject(this.rejection()) : Promise.resolve(this.result as T);
    promise.catch(noop);
    return (this.promise = promise);
  }

  get settled(): boolean {
    return this.state !== 'pending';
  }

  /** Resolves it (the first settling counts; later ones are ignored, as with a promise). */
  resolve(value: T): void {
    if (this.state === 'pending') this.settleAs('resolved', value);
  }

  /** Rejects it (the first settling counts): with `error`, or with what `error()` makes when the promise is asked for. */
  reject(error: Error | (() => Error)): void {
    if (this.state !== 'pending') return;
    if (typeof error !== 'function') return this.settleAs('rejected', error);
    if (this.settle !== undefined) return this.settleAs('rejected', error());
    this.state = 'rejected';
    this.makeError = error;
  }

  private rejection(): Error {
    const make = this.makeError;
    this.makeError = undefined;
    if (make !== undefined) this.result = make();
    return this.result as Error;
  }

  private settleAs(state: 'resolved' | 'rejected', result: T | Error): void {
    this.state = state;
    this.result = result;
    const settle = this.settle;
    this.settle = undefined;
    if (state === 'resolved') settle?.resolve(result as T);
    else settle?.reject(result as Error);
  }
}
