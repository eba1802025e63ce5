import type { ClientHello } from '../../generated/wire/index.js';
import type { HashAlgorithm } from '../crypto/provider.js';
import { CIPHER_SUITES, type SupportedCipherSuite } from '../crypto/suites.js';
import { findExtension } from '../handshake/extensions.js';
import { ProtocolError } from '../handshake/protocol-error.js';
import type { Transcript } from '../keyschedule/transcript.js';
import type { PskKeyExchangeModeName } from '../session/external-psk.js';
import { decodeTicketContents, type TicketContents } from '../session/ticket-contents.js';
import type { TicketKeys } from '../session/ticket-keys.js';
import { constantTimeEqual } from '../wire/bytes.js';
import type { ResolvedConfig } from './config.js';
import { binderFor, bindersLength, truncatedHelloHash } from './psk-binder.js';
import { grantHolds } from './ticket-grant.js';

/**
 * Offered identities looked at, at most: each costs a ticket decryption or a lookup, and a ClientHello could list
 * thousands (RFC 8446 lets a server choose; clients offer one or two).
 */
export const MAX_IDENTITIES_CONSIDERED = 16;

/** How far a ticket's reported age may be from the server's own count before early data is refused (RFC 8446 §8.3). */
export const TICKET_AGE_TOLERANCE_MS = 10_000;

/** The PSK the server accepted from a ClientHello, its binder verified. */
export interface SelectedPsk {
  readonly kind: 'external' | 'resumption';
  /** selected_identity: the index in the client's list. */
  readonly index: number;
  readonly identity: Uint8Array;
  readonly key: Uint8Array;
  readonly hash: HashAlgorithm;
  readonly mode: PskKeyExchangeModeName;
  /** What the ticket carried, when resuming. */
  readonly ticket: TicketContents | undefined;
  /** |client's ticket age − server's|, ms, when resuming: the freshness 0-RTT needs. */
  readonly ticketAgeSkewMs: number | undefined;
  /** Its binder, verified: unique per ClientHello, the anti-replay key. */
  readonly binder: Uint8Array;
}

type Candidate = Pick<SelectedPsk, 'kind' | 'key' | 'hash' | 'ticket' | 'ticketAgeSkewMs'>;

/**
 * The server's PSK choice (RFC 8446 §4.2.11): the first offered identity it knows whose hash fits a common suite, under
 * a mode both allow. Its binder must verify (else decrypt_error); with none usable, a certificate, or on a PSK-only
 * server unknown_psk_identity.
 */
export function selectPsk(
  ch: ClientHello,
  body: Uint8Array,
  before: Transcript,
  config: ResolvedConfig,
  wallNow: number,
): SelectedPsk | undefined {
  const offered = findExtension(ch.extensions, 'pre_shared_key');
  const pskOnly =
    config.certificate === undefined && config.sni === undefined && config.rawPublicKey?.own === undefined;
  if (!offered) {
    if (pskOnly)
      throw new ProtocolError(
        'handshake_failure',
        'this server authenticates with PSKs only, and the client offered none',
      );
    return undefined;
  }
  if (ch.extensions.at(-1)?.extensionType !== 'pre_shared_key') {
    throw new ProtocolError(
      'illegal_parameter',
      'pre_shared_key is not the last extension of the ClientHello (RFC 8446 §4.2.11)',
    );
  }
  const clientModes = findExtension(ch.extensions, 'psk_key_exchange_modes');
  if (!clientModes)
    throw new ProtocolError('missing_extension', 'pre_shared_key without psk_key_exchange_modes (RFC 8446 §4.2.9)');
  if (offered.identities.length !== offered.binders.length) {
    throw new ProtocolError(
      'illegal_parameter',
      `${offered.identities.length} PSK identities but ${offered.binders.length} binders (RFC 8446 §4.2.11)`,
    );
  }
  const mode = config.pskModes.find((m) => clientModes.keModes.includes(m));
  const refuse = (why: string): undefined => {
    if (pskOnly) throw new ProtocolError(mode ? 'unknown_psk_identity' : 'handshake_failure', why);
    return undefined;
  };
  if (!mode)
    return refuse(
      `no PSK key exchange mode in common: client offers ${clientModes.keModes.join(', ')}, server accepts ${config.pskModes.join(', ')}`,
    );
  const offeredSuites = ch.cipherSuites.filter(
    (s): s is SupportedCipherSuite => typeof s === 'string' && s in CIPHER_SUITES,
  );
  const usableHashes = new Set(
    config.cipherSuites.filter((s) => offeredSuites.includes(s)).map((s) => CIPHER_SUITES[s].hash),
  );
  const bindersBytes = bindersLength(offered.binders);
  for (const [index, offer] of offered.identities.slice(0, MAX_IDENTITIES_CONSIDERED).entries()) {
    const candidate =
      ticketCandidate(config, offer.identity, offer.obfuscatedTicketAge, ch, wallNow) ??
      externalCandidate(config, offer.identity);
    if (!candidate || !usableHashes.has(candidate.hash)) continue;
    const helloHash = truncatedHelloHash(before, candidate.hash, body, bindersBytes);
    if (!helloHash) continue; // the HelloRetryRequest fixed another hash
    const binder = offered.binders[index]!.binder;
    if (!constantTimeEqual(binder, binderFor(config.provider, candidate, helloHash))) {
      throw new ProtocolError(
        'decrypt_error',
        `the binder of PSK identity ${describeIdentity(offer.identity)} does not verify: the client's key differs (RFC 8446 §4.2.11)`,
      );
    }
    return { ...candidate, index, identity: offer.identity, mode, binder };
  }
  return refuse(
    `no offered PSK identity is known here (${offered.identities.map((i) => describeIdentity(i.identity)).join(', ')})`,
  );
}

function externalCandidate(config: ResolvedConfig, identity: Uint8Array): Candidate | undefined {
  const psk = config.serverPsk?.(identity);
  return psk
    ? { kind: 'external', key: psk.key, hash: psk.hash, ticket: undefined, ticketAgeSkewMs: undefined }
    : undefined;
}

/** The contents of a 1.3 ticket of ours that has not expired by our clock ({@link openSealedTicket}). */
export function openTicket(config: ResolvedConfig, identity: Uint8Array, wallNow: number): TicketContents | undefined {
  return openSealedTicket(config.ticketKeys, identity, wallNow, decodeTicketContents);
}

/**
 * The contents of an unexpired ticket of ours that `decode` reads (either version's); undefined for anything else
 * (garbled, forged, foreign, retired key, other format, expired). The plaintext is zeroed once decoded.
 */
export function openSealedTicket<T extends { readonly issuedAt: number; readonly lifetimeSeconds: number }>(
  keys: TicketKeys | undefined,
  ticket: Uint8Array,
  wallNow: number,
  decode: (plaintext: Uint8Array) => T,
): T | undefined {
  const opened = keys?.open(ticket);
  if (opened === undefined) return undefined;
  let contents: T;
  try {
    contents = decode(opened);
  } catch {
    return undefined;
  } finally {
    opened.fill(0);
  }
  const age = wallNow - contents.issuedAt;
  return age >= 0 && age < contents.lifetimeSeconds * 1000 ? contents : undefined;
}

/** A ticket of ours that is still valid and may resume for this ClientHello here ({@link resumableHere}). */
function ticketCandidate(
  config: ResolvedConfig,
  identity: Uint8Array,
  obfuscatedAge: number,
  ch: ClientHello,
  wallNow: number,
): Candidate | undefined {
  const ticket = openTicket(config, identity, wallNow);
  if (!ticket || !resumableHere(config, ch, ticket)) return undefined;
  const serverAge = wallNow - ticket.issuedAt;
  const clientAge = (obfuscatedAge - ticket.ticketAgeAdd) >>> 0;
  return {
    kind: 'resumption',
    key: ticket.psk,
    hash: CIPHER_SUITES[ticket.suite].hash,
    ticket,
    ticketAgeSkewMs: Math.abs(clientAge - serverAge),
  };
}

/**
 * Server (either version): whether a session (a ticket, or a shared 1.2 cache) may resume for `ch` here: the same
 * server name, a client certificate when required, and what this server grants now (ticket-grant.ts).
 */
export function resumableHere(
  config: ResolvedConfig,
  ch: ClientHello,
  s: {
    readonly serverName: string | undefined;
    readonly clientAuthenticated?: boolean | undefined;
    readonly grant?: Uint8Array | undefined;
    readonly pskIdentity?: Uint8Array | undefined;
  },
): boolean {
  if (s.serverName !== requestedName(ch)) return false;
  if (config.clientAuthentication === 'required' && s.clientAuthenticated !== true) return false;
  return s.grant !== undefined && grantHolds(config, s.grant, s.pskIdentity);
}

/** The host_name of the ClientHello's server_name, if any. */
export function requestedName(ch: ClientHello): string | undefined {
  const name = findExtension(ch.extensions, 'server_name')?.serverNameList.find((n) => n.nameType === 'host_name');
  return name && 'hostName' in name ? new TextDecoder().decode(name.hostName) : undefined;
}

/** An identity as an error names it: printable text in quotes, else its length (a peer's bytes are not echoed whole). */
export function describeIdentity(identity: Uint8Array): string {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(identity.subarray(0, 64));
  return /^[\x20-\x7e]+$/.test(text) && identity.length <= 64 ? `'${text}'` : `of ${identity.length} bytes`;
}
