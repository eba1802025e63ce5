/**
 * Binds a chart's named actions to a typed state value: each action is a step
 * that runs in one state kind and returns the next state. XState must not see
 * an exception (it would stop the actor), so the binding holds the first one
 * a step throws, skips the rest of that transition's actions (each action
 * catches for itself, with no closure made per call), and `rethrow`
 * hands it to the connection's one catch once `actor.send` has returned.
 */
export class ChartBinding<S extends { readonly kind: string }, E extends { readonly type: string }> {
  state: S;
  private held: { readonly error: unknown } | undefined;
  private inbound: { readonly msgType: number; readonly body: Uint8Array } | undefined;

  constructor(initial: S) {
    this.state = initial;
  }

  /** An action that needs the state to be `kind` and moves it to what `fn` returns. */
  step<K extends S['kind']>(name: string, kind: K, fn: (state: Extract<S, { readonly kind: K }>, event: E) => S): (args: { readonly event: E }) => void {
    return ({ event }) => {
      if (this.held) return;
      try {
        const s = this.state;
        if (s.kind !== kind) throw new Error(`${name} ran in state ${s.kind}; it needs ${kind}`);
        this.state = fn(s as Extract<S, { readonly kind: K }>, event);
      } catch (error) {
        this.held = { error };
      }
    };
  }

  /** An action valid in several state kinds: `fn` narrows the state itself. */
  anyStep(fn: (state: S, event: E) => S): (args: { readonly event: E }) => void {
    return ({ event }) => {
      if (this.held) return;
      try {
        this.state = fn(this.state, event);
      } catch (error) {
        this.held = { error };
      }
    };
  }

  /**
   * Sends `event` to the chart `to`, with the handshake message it
   * was decoded from (the transcript needs its exact bytes), then throws what
   * a step threw.
   */
  dispatch(to: { send(event: E): void }, event: E, inbound?: { readonly msgType: number; readonly body: Uint8Array }): void {
    this.inbound = inbound;
    try {
      to.send(event);
    } finally {
      this.inbound = undefined;
    }
    this.rethrow();
  }

  /** The handshake message being dispatched, as received: type and body. */
  message(): { readonly msgType: number; readonly body: Uint8Array } {
    if (!this.inbound) throw new Error('no handshake message is being dispatched');
    return this.inbound;
  }

  /** An action that works on whatever the state is (alerts, closing). */
  effect<P>(fn: (event: E, params: P) => void): (args: { readonly event: E }, params: P) => void {
    return ({ event }, params) => {
      if (this.held) return;
      try {
        fn(event, params);
      } catch (error) {
        this.held = { error };
      }
    };
  }

  /**
   * Runs `fn` as a step shared by every connection (`c` is the actor's
   * context): the state must be `kind`, and moves to what `fn` returns.
   * Skipped once a step of this event threw; what it throws is held.
   */
  runStep<C, K extends S['kind']>(name: string, kind: K, fn: (c: C, state: Extract<S, { readonly kind: K }>, event: E) => S, c: C, event: E): void {
    if (this.held) return;
    try {
      const s = this.state;
      if (s.kind !== kind) throw new Error(`${name} ran in state ${s.kind}; it needs ${kind}`);
      this.state = fn(c, s as Extract<S, { readonly kind: K }>, event);
    } catch (error) {
      this.held = { error };
    }
  }

  /** A shared step valid in several state kinds: `fn` narrows the state itself. */
  runAnyStep<C>(fn: (c: C, state: S, event: E) => S, c: C, event: E): void {
    if (this.held) return;
    try {
      this.state = fn(c, this.state, event);
    } catch (error) {
      this.held = { error };
    }
  }

  /** A shared guard over the state and the event; one that throws is false (the action that follows reports the error). */
  test<C>(fn: (state: S, event: E, c: C) => boolean, event: E, c: C): boolean {
    try {
      return fn(this.state, event, c);
    } catch {
      return false;
    }
  }

  /** Runs `fn(a, event, params)` as an action shared by every connection: skipped once a step of this event threw; what it throws is held. */
  run<A, P>(fn: (a: A, event: E, params: P) => void, a: A, event: E, params: P): void {
    if (this.held) return;
    try {
      fn(a, event, params);
    } catch (error) {
      this.held = { error };
    }
  }

  /** A guard over the state and the event; a guard that throws is false (the action that follows reports the error). */
  guard(fn: (state: S, event: E) => boolean): (args: { readonly event: E }) => boolean {
    return ({ event }) => {
      try {
        return fn(this.state, event);
      } catch {
        return false;
      }
    };
  }

  /** Throws what a step threw during the last event, if anything. */
  rethrow(): void {
    const held = this.held;
    this.held = undefined;
    if (held) throw held.error;
  }
}

/** The payload of `event` when it is of `type`; an internal error otherwise (the chart routed a wrong event). */
export function payloadOf<E extends { readonly type: string }, T extends E['type']>(
  event: E,
  type: T,
): Extract<E, { readonly type: T; readonly payload: unknown }>['payload'] {
  if (event.type !== type || !('payload' in event)) throw new Error(`expected a ${type} event, got ${event.type}`);
  return (event as Extract<E, { readonly type: T; readonly payload: unknown }>).payload;
}
