/**
 * What a resumption ticket may grant (docs/security/tickets.md). A ticket skips the checks of a full handshake, so it
 * is taken only by a server that would grant the same today: the same client-authentication policy (anchors,
 * verifier, pins, `signatureAlgorithmsCert`, PSK-only), and an external PSK identity it still knows with the same key.
 * The ticket carries a digest of these; a server whose own differs does a full handshake (never an alert).
 */
import type { CryptoProvider } from '../crypto/provider.js';
import { verifierPolicy } from '../pki/verifier-policy.js';
import type { ResolvedPsk } from '../session/external-psk.js';
import { concatBytes, constantTimeEqual } from '../wire/bytes.js';
import type { ResolvedConfig } from './config.js';

/** Bytes of the grant digest a ticket carries. */
export const GRANT_LENGTH = 16;

/** A policy's digest, and the grant of its sessions without an external PSK (one hash, shared by them). */
interface Policy {
  readonly digest: Uint8Array;
  grant?: Uint8Array;
}

/**
 * Policies by provider (the hash is its work: a provider that charges its operations, as the hardware model's does,
 * pays for its own policies, whatever else ran in the process), then by trust anchor list (the caller's array, as
 * option-cache.ts keys the verifier made from it), then by the rest of the policy's text: a server whose options are
 * resolved per connection hashes its policy once, not per handshake. A few texts per list (a verifier function made per
 * connection is a new text each time).
 */
const policies = new WeakMap<CryptoProvider, WeakMap<readonly Uint8Array[], Map<string, Policy>>>();
/** The key of every configuration without trust anchors (each resolves its own empty list): one entry for them all. */
const NO_ANCHORS: readonly Uint8Array[] = [];
const TEXTS_PER_ANCHORS = 16;
const encoder = new TextEncoder();

/** The server's client-authentication policy, hashed once per provider, anchor list and text. */
function policyOf(config: ResolvedConfig): Policy {
  const pskOnly =
    config.certificate === undefined && config.sni === undefined && config.rawPublicKey?.own === undefined;
  const anchors = config.trustAnchors;
  const text =
    `dtls13 ticket policy 1\n${config.clientAuthentication}\npsk only ${pskOnly}\n` +
    `verifier ${verifierPolicy(config.verifyPeer)}\nraw key verifier ${verifierPolicy(config.rawPublicKey?.verifyPeer)}\n` +
    // The schemes a client chain may be signed with (peer-authentication.ts): a restriction refuses chains the other accepts.
    `certificate schemes ${config.signatureAlgorithmsCert === undefined ? 'any' : [...config.signatureAlgorithmsCert].sort().join(',')}\n` +
    `trust anchors ${anchors.length}\n`;
  const key = anchors.length === 0 ? NO_ANCHORS : anchors;
  let byAnchors = policies.get(config.provider);
  if (byAnchors === undefined) policies.set(config.provider, (byAnchors = new WeakMap()));
  let byText = byAnchors.get(key);
  if (byText === undefined) byAnchors.set(key, (byText = new Map()));
  let policy = byText.get(text);
  if (policy === undefined) {
    if (byText.size >= TEXTS_PER_ANCHORS) byText.clear();
    const parts: Uint8Array[] = [encoder.encode(text)];
    for (const anchor of anchors) parts.push(lengthPrefixed(anchor));
    policy = { digest: config.provider.digest('sha256', concatBytes(parts)) };
    byText.set(text, policy);
  }
  return policy;
}

/** The grant of a session made under `config`, standing on the external PSK `psk` (undefined: none). */
export function grantFor(config: ResolvedConfig, psk: ResolvedPsk | undefined): Uint8Array {
  const policy = policyOf(config);
  if (psk === undefined)
    return (policy.grant ??= digestOf(config.provider, [encoder.encode('dtls13 ticket grant 1\n'), policy.digest]));
  const parts = [encoder.encode('dtls13 ticket grant 1\n'), policy.digest];
  parts.push(lengthPrefixed(psk.identity), lengthPrefixed(psk.key), encoder.encode(psk.hash));
  return digestOf(config.provider, parts);
}

/** The grant of a session made or resumed under `config`; undefined when its PSK identity is no longer known here. */
export function ticketGrant(config: ResolvedConfig, pskIdentity: Uint8Array | undefined): Uint8Array | undefined {
  if (pskIdentity === undefined) return grantFor(config, undefined);
  const psk = config.serverPsk?.(pskIdentity);
  return psk === undefined ? undefined : grantFor(config, { identity: pskIdentity, key: psk.key, hash: psk.hash });
}

/** Whether a ticket's `grant` (for `pskIdentity`) is what this server would grant now. */
export function grantHolds(config: ResolvedConfig, grant: Uint8Array, pskIdentity: Uint8Array | undefined): boolean {
  const now = ticketGrant(config, pskIdentity);
  return now !== undefined && grant.length === GRANT_LENGTH && constantTimeEqual(now, grant);
}

function digestOf(provider: CryptoProvider, parts: readonly Uint8Array[]): Uint8Array {
  return provider.digest('sha256', concatBytes(parts)).slice(0, GRANT_LENGTH);
}

function lengthPrefixed(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + bytes.length);
  new DataView(out.buffer).setUint32(0, bytes.length);
  out.set(bytes, 4);
  return out;
}
