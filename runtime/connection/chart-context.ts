import { cidActions } from '../cid/cid-actions.js';
import type { ChartBinding } from './chart-binding.js';
import type { ConnectionParts } from './connection-parts.js';
import type { Session } from './key-material.js';
import type { SessionActionContext, SharedEvent } from './session-actions.js';

type CidTable<E extends SharedEvent> = ReturnType<typeof cidActions<E>>;

/**
 * A chart actor's context: the connection's parts, the role's binding and
 * failure message. One small object per actor, read by the actions every
 * connection shares (session-actions.ts, and the CID actions through
 * {@link sharedCidActions}), instead of those actions made again as
 * closures for each connection.
 */
export class ChartContext<S extends { readonly kind: string }, E extends SharedEvent> implements SessionActionContext<E> {
  readonly parts: ConnectionParts;
  readonly binding: ChartBinding<S, E>;
  readonly failMessage: () => string | undefined;
  private readonly closed: S;
  private cid: CidTable<E> | undefined;

  constructor(parts: ConnectionParts, binding: ChartBinding<S, E>, failMessage: () => string | undefined, closed: S) {
    this.parts = parts;
    this.binding = binding;
    this.failMessage = failMessage;
    this.closed = closed;
  }

  session(): Session | undefined {
    const s: { readonly kind: string; readonly session?: Session } = this.binding.state;
    return s.kind === 'connected' ? s.session : undefined;
  }

  close(): void {
    this.binding.state = this.closed;
  }

  effect<P>(fn: (event: SharedEvent, params: P) => void): (args: { readonly event: E }, params: P) => void {
    return this.binding.effect(fn);
  }

  /** The CID actions bound to this connection, made the first time one runs (most connections never use one). */
  cidActions(): CidTable<E> {
    return (this.cid ??= cidActions(this.parts, this));
  }
}

/** The CID actions (RFC 9147 §9, RFC 9853) for every connection of a role: each runs the one its actor's context made. */
export function sharedCidActions<E extends SharedEvent>(): {
  readonly [K in keyof CidTable<E>]: (args: { readonly context: { cidActions(): CidTable<E> }; readonly event: E }, params: undefined) => void;
} {
  const to =
    <K extends keyof CidTable<E>>(name: K) =>
    (args: { readonly context: { cidActions(): CidTable<E> }; readonly event: E }, params: undefined): void => {
      const action: (args: { readonly event: E }, params: undefined) => void = args.context.cidActions()[name];
      action(args, params);
    };
  return {
    applyNewConnectionId: to('applyNewConnectionId'),
    answerRequestConnectionId: to('answerRequestConnectionId'),
    sendNewConnectionId: to('sendNewConnectionId'),
    sendRequestConnectionId: to('sendRequestConnectionId'),
    answerPathChallenge: to('answerPathChallenge'),
    applyPathResponse: to('applyPathResponse'),
  };
}

/**
 * The step, any-step and guard wrappers of a role's actions shared by every
 * connection: each reads the binding from the actor's context and runs the
 * function under it (ChartBinding.runStep, runAnyStep, test).
 */
export function sharedSteps<S extends { readonly kind: string }, E extends SharedEvent, C extends ChartContext<S, E> = ChartContext<S, E>>() {
  type Args = { readonly context: C; readonly event: E };
  return {
    step:
      <K extends S['kind']>(name: string, kind: K, fn: (c: C, state: Extract<S, { readonly kind: K }>, event: E) => S) =>
      ({ context, event }: Args): void =>
        context.binding.runStep(name, kind, fn, context, event),
    anyStep:
      (fn: (c: C, state: S, event: E) => S) =>
      ({ context, event }: Args): void =>
        context.binding.runAnyStep(fn, context, event),
    guard:
      (fn: (state: S, event: E, c: C) => boolean) =>
      ({ context, event }: Args): boolean =>
        context.binding.test(fn, event, context),
  };
}
