/** What a peer verifier accepts as a string, which a ticket records and a server compares before resuming. */
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
