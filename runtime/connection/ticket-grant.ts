/**
 * What a resumption ticket may grant (docs/security/tickets.md). A ticket skips the checks of a full handshake, so it
 * is taken only by a server that would grant the same today: the same client-authentication policy (anchors,
 * verifier, pins, `signatureAlgorithmsCert`, PSK-only), and an external PSK identity it still knows with the same key.
 * The ticket carries a digest of these; a server whose own differs does a full handshake (never an alert).
 */
import type { CryptoProvider } from '../crypto/provider.js';
import { verifierPolicy } from '../pki/verifier-policy.js';
import type { ResolvedPsk } from '../session/external-psk.js';
import { constantTimeEqual } from '../wire/bytes.js';
import type { ResolvedConfig } from './config.js';

/** Bytes of the grant digest a ticket carries. */
export const GRANT_LENGTH = 16;

const policies = new WeakMap<ResolvedConfig, Uint8Array>();
/** The grant of a session without an external PSK: one per configuration, shared by its sessions (no hash per handshake). */
const policyGrants = new WeakMap<ResolvedConfig, Uint8Array>();
const encoder = new TextEncoder();

/** The server's client-authentication policy, hashed once per resolved configuration. */
function policyDigest(config: ResolvedConfig): Uint8Array {
  let digest = policies.get(config);
  if (digest === undefined) {
    const pskOnly =
      config.certificate === undefined && config.sni === undefined && config.rawPublicKey?.own === undefined;
    const parts: Uint8Array[] = [
      encoder.encode(`dtls13 ticket policy 1\n${config.clientAuthentication}\npsk only ${pskOnly}\n`),
      encoder.encode(
        `verifier ${verifierPolicy(config.verifyPeer)}\nraw key verifier ${verifierPolicy(config.rawPublicKey?.verifyPeer)}\n`,
      ),
      // The schemes a client chain may be signed with (peer-authentication.ts): a restriction refuses chains the other accepts.
      encoder.encode(
        `certificate schemes ${config.signatureAlgorithmsCert === undefined ? 'any' : [...config.signatureAlgorithmsCert].sort().join(',')}\n`,
      ),
      encoder.encode(`trust anchors ${config.trustAnchors.length}\n`),
    ];
    for (const anchor of config.trustAnchors) parts.push(lengthPrefixed(anchor));
    digest = config.provider.digest('sha256', concat(parts));
    policies.set(config, digest);
  }
  return digest;
}

/** The grant of a session made under `config`, standing on the external PSK `psk` (undefined: none). */
export function grantFor(config: ResolvedConfig, psk: ResolvedPsk | undefined): Uint8Array {
  if (psk === undefined) {
    let grant = policyGrants.get(config);
    if (grant === undefined)
      policyGrants.set(
        config,
        (grant = digestOf(config.provider, [encoder.encode('dtls13 ticket grant 1\n'), policyDigest(config)])),
      );
    return grant;
  }
  const parts = [encoder.encode('dtls13 ticket grant 1\n'), policyDigest(config)];
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
  return provider.digest('sha256', concat(parts)).slice(0, GRANT_LENGTH);
}

function lengthPrefixed(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + bytes.length);
  new DataView(out.buffer).setUint32(0, bytes.length);
  out.set(bytes, 4);
  return out;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
