import type { ClientHello } from '../../generated/wire/index.js';
import { schemesForKey } from '../handshake/certificate-verify.js';
import { findExtension } from '../handshake/extensions.js';
import { negotiate, type ServerChoice, type ServerPreferences } from '../handshake/negotiation.js';
import { ProtocolError } from '../handshake/protocol-error.js';
import { Transcript } from '../keyschedule/transcript.js';
import { ticketNamesAddress } from '../session/ticket-address.js';
import { sameGeneration } from '../session/anti-replay.js';
import { chooseAlpn } from '../shared/alpn-negotiation.js';
import type { InboundMessage } from './client-states.js';
import { serverExtensionChoices } from './extension-answers.js';
import { credentialsForHello } from '../shared/certificate-types.js';
import type { ResolvedConfig } from '../shared/config.js';
import type { ServerContext } from './machine-context.js';
import { selectPsk, TICKET_AGE_TOLERANCE_MS, type SelectedPsk } from '../shared/psk-selection.js';
import type { AcceptedHello, HelloPlan, ServerState } from './server-states.js';
import type { SelectedCredentials } from '../shared/server-credentials.js';
import { offeredServerName } from '../shared/sni-selection.js';

/**
 * The server's input step for a ClientHello: everything that takes a look-up, a store or a verification (certificate,
 * PSK binder, suite and group, ALPN, the 0-RTT decision), run once before the event is dispatched; its result travels
 * in the event, so the guards are pure branches over it.
 */
export function planClientHello(
  c: ServerContext,
  s: Extract<ServerState, { readonly kind: 'waitClientHello' | 'waitSecondClientHello' }>,
  ch: ClientHello,
  message: InboundMessage,
): HelloPlan {
  const before = s.kind === 'waitSecondClientHello' ? s.retry.transcript : new Transcript(c.provider);
  const servername = offeredServerName(ch);
  if (s.kind === 'waitSecondClientHello' && s.retry.firstServerName && s.retry.firstServerName.name !== servername)
    throw new ProtocolError('illegal_parameter', 'the second ClientHello changes server_name (RFC 8446 §4.1.2)');
  const { types, credentials } = credentialsForHello(c.provider, c.config, ch, servername);
  const psk = selectPsk(ch, message.body, before, c.config, c.wallClock());
  const choice = negotiate(ch, preferencesFor(c.config, credentials), psk && { hash: psk.hash, mode: psk.mode });
  const alpn = chooseAlpn(c.config.alpnSelect, ch);
  const extensions = serverExtensionChoices(c.config, ch, types);
  return {
    psk,
    choice,
    alpn,
    servername,
    credentials,
    extensions,
    earlyData: earlyDataDecision(c, c.config.maxEarlyData, ch, s.kind === 'waitClientHello', psk, choice, alpn),
  };
}

// The certificate is chosen per ClientHello (server_name, RFC 6066), and with it the schemes we can sign with.
function preferencesFor(config: ResolvedConfig, credentials: SelectedCredentials | undefined): ServerPreferences {
  const ownSchemes = credentials ? schemesForKey(credentials.key) : [];
  return {
    cipherSuites: config.cipherSuites,
    groups: config.groups,
    signatureAlgorithms: config.signatureAlgorithms.filter((a) => ownSchemes.includes(a)),
  };
}

// RFC 8446 §4.2.10, §8: 0-RTT only with the first identity's ticket, on the first ClientHello (no HelloRetryRequest),
// the ticket's suite, a fresh ticket age, a server and a ticket that take it, and a ClientHello the anti-replay store
// has not seen (`c`: the store and the client's address).
function earlyDataDecision(
  c: Pick<ServerContext, 'antiReplay' | 'peerAddress'>,
  maxEarlyData: number,
  ch: ClientHello,
  firstHello: boolean,
  psk: SelectedPsk | undefined,
  choice: ServerChoice,
  alpn: string | undefined,
): AcceptedHello['earlyData'] {
  if (findExtension(ch.extensions, 'early_data') === undefined) return { status: 'not sent' };
  const ticket = psk?.ticket;
  const limit = Math.min(ticket?.maxEarlyData ?? 0, maxEarlyData);
  const fresh = psk?.ticketAgeSkewMs !== undefined && psk.ticketAgeSkewMs <= TICKET_AGE_TOLERANCE_MS;
  // Early data is for the protocol the ticket was issued under (RFC 8446 §4.2.10).
  const usable =
    firstHello &&
    psk?.index === 0 &&
    limit > 0 &&
    fresh &&
    choice.kind === 'proceed' &&
    choice.suite === ticket?.suite &&
    ticket.alpn === alpn;
  // RFC 9147 §5.1: early data skips the address check, so only from the address the ticket was issued to.
  const sameAddress = ticket !== undefined && ticketNamesAddress(ticket.address, c.peerAddress);
  // RFC 8446 §8: a store that started after the ticket was issued (a restart) cannot have seen its flights.
  const recorded = ticket !== undefined && sameGeneration(ticket.replayGeneration, c.antiReplay);
  return usable && sameAddress && recorded && c.antiReplay.admit(psk.binder, 2 * TICKET_AGE_TOLERANCE_MS)
    ? { status: 'accepted', limit }
    : { status: 'rejected' };
}
