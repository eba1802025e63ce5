import { ProtocolError } from '../handshake/protocol-error.js';
import type { HandshakeContext } from './context.js';

/**
 * Wraps every chart action so that it cannot throw into the XState
 * interpreter: an exception becomes the context's pending failure
 * (`internal_error`, or the ProtocolError's own alert), which the connection
 * turns into one fatal alert once the event has been processed.
 */
export function guardActions<A extends Readonly<Record<string, (...args: never[]) => void>>>(ctx: HandshakeContext, actions: A): A {
  const out: Record<string, (...args: never[]) => void> = {};
  for (const [name, action] of Object.entries(actions)) {
    out[name] = (...args: never[]) => {
      try {
        action(...args);
      } catch (e) {
        ctx.pendingFailure ??= {
          alert: e instanceof ProtocolError ? e.alert : 'internal_error',
          message: `${name}: ${e instanceof Error ? e.message : String(e)}`,
        };
      }
    };
  }
  return out as A;
}
