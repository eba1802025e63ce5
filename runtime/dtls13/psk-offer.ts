import type { ClientHelloExtension } from '../../generated/wire/index.js';
import type { CryptoProvider, HashAlgorithm } from '../crypto/provider.js';
import { CIPHER_SUITES, hashLength } from '../crypto/suites.js';
import type { Transcript } from '../keyschedule/transcript.js';
import { sessionExpired, type ClientSession } from '../session/client-session.js';
import type { PskKeyExchangeModeName } from '../session/external-psk.js';
import type { ResolvedConfig } from '../shared/config.js';
import { binderFor, placeholderBinder, truncatedHelloHash } from '../shared/psk-binder.js';

/** The PSK a client offers in its ClientHello (one: a ticket to resume, else its external PSK). */
export interface PskOffer {
  readonly kind: 'external' | 'resumption';
  readonly identity: Uint8Array;
  readonly key: Uint8Array;
  readonly hash: HashAlgorithm;
  /** The stored session, when resuming. */
  readonly session: ClientSession | undefined;
}

/** What to offer: the configured session if still usable, else the external PSK for this server name, if its hash fits. */
export function pskOfferFor(config: ResolvedConfig, wallNow: number): PskOffer | undefined {
  const s = config.session;
  if (s && !sessionExpired(s, wallNow) && config.cipherSuites.includes(s.suite)) {
    return { kind: 'resumption', identity: s.ticket, key: s.psk, hash: CIPHER_SUITES[s.suite].hash, session: s };
  }
  const external = config.clientPsk?.(config.serverName);
  if (external && config.cipherSuites.some((suite) => CIPHER_SUITES[suite].hash === external.hash)) {
    return {
      kind: 'external',
      identity: external.identity,
      key: external.key,
      hash: external.hash,
      session: undefined,
    };
  }
  return undefined;
}

/** obfuscated_ticket_age (RFC 8446 §4.2.11.1): the ticket's age in ms plus ticket_age_add, mod 2^32; 0 for an external PSK. */
export function obfuscatedTicketAge(offer: PskOffer, wallNow: number): number {
  const s = offer.session;
  return s ? (Math.max(0, wallNow - s.receivedAt) + s.ticketAgeAdd) >>> 0 : 0;
}

/** psk_key_exchange_modes, early_data when 0-RTT is offered, and pre_shared_key (to go last, RFC 8446 §4.2.11) with a placeholder binder. */
export function pskExtensions(
  offer: PskOffer,
  modes: readonly PskKeyExchangeModeName[],
  wallNow: number,
  earlyData: boolean,
): ClientHelloExtension[] {
  return [
    ...(earlyData ? [{ extensionType: 'early_data' as const, extensionData: {} }] : []),
    { extensionType: 'psk_key_exchange_modes', extensionData: { keModes: [...modes] } },
    {
      extensionType: 'pre_shared_key',
      extensionData: {
        identities: [{ identity: offer.identity, obfuscatedTicketAge: obfuscatedTicketAge(offer, wallNow) }],
        binders: [{ binder: placeholderBinder(offer.hash) }],
      },
    },
  ];
}

/**
 * Without a PSK to offer: psk_key_exchange_modes alone. A server that follows RFC 8446 §4.2.9 issues no
 * NewSessionTicket to a client that lists no mode (BoringSSL, OpenSSL), and this client always takes tickets.
 */
export function ticketModesExtension(modes: readonly PskKeyExchangeModeName[]): ClientHelloExtension[] {
  return [{ extensionType: 'psk_key_exchange_modes', extensionData: { keModes: [...modes] } }];
}

/** Whether `data` may go as 0-RTT with this offer: a resumption ticket that allows at least that much (RFC 8446 §4.2.10). */
export function earlyDataFits(offer: PskOffer | undefined, data: Uint8Array | undefined): boolean {
  const max = offer?.kind === 'resumption' ? (offer.session?.maxEarlyData ?? 0) : 0;
  return data !== undefined && data.length > 0 && data.length <= max;
}

/** Computes the binder over the encoded ClientHello and writes it over the placeholder (the body's last bytes). */
export function bindClientHello(provider: CryptoProvider, body: Uint8Array, offer: PskOffer, before: Transcript): void {
  const n = hashLength(offer.hash);
  const helloHash = truncatedHelloHash(before, offer.hash, body, 2 + 1 + n);
  if (!helloHash)
    throw new Error(
      "a PSK offered with a transcript of another hash (the HelloRetryRequest's suite should have dropped it)",
    );
  body.set(binderFor(provider, offer, helloHash), body.length - n);
}
