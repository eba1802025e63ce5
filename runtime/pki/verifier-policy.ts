/**
 * What a peer verifier accepts, as a string a server can compare: a resumption ticket records the client-authentication
 * policy it was issued under (runtime/session/ticket-grant.ts), and a server resumes it only when its own policy is the
 * same. The verifiers this library makes from data (fingerprint pins, pinned raw keys, the bundled roots) describe
 * themselves by that data, so servers in other threads or processes that were given the same options agree. A function
 * given by the application cannot be compared: it is described by a random name of its own, so its tickets resume only
 * where that same function object is in force.
 */
import { randomBytes } from 'node:crypto';

const described = new WeakMap<object, string>();

/** `verifier`, described as accepting exactly what `policy` says (the same string for the same data). */
export function describeVerifier<T extends object>(verifier: T, policy: string): T {
  described.set(verifier, policy);
  return verifier;
}

/** The description of `verifier`: its data, a random name for an application's function, '' for none. */
export function verifierPolicy(verifier: object | undefined): string {
  if (verifier === undefined) return '';
  let policy = described.get(verifier);
  if (policy === undefined) {
    policy = `function ${randomBytes(16).toString('hex')}`;
    described.set(verifier, policy);
  }
  return policy;
}
