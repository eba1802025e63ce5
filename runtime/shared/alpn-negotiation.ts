import type { ClientHello } from '../../generated/wire/client-hello.js';
import type { ProtocolNameList } from '../../generated/wire/ext-alpn.js';
import { findExtension } from '../handshake/extensions.js';
import { ProtocolError } from '../handshake/protocol-error.js';
import { decodeAlpnName, encodeAlpnName, type AlpnSelector } from '../session/alpn.js';
import { requestedName } from './psk-selection.js';

/** ALPN (RFC 7301) as both versions negotiate it; only where the server answers differs (RFC 7301 §3.1). */

/** The body of an offer (the names in preference order) or of an answer (the one name chosen). */
export function protocolNameList(names: readonly string[]): ProtocolNameList {
  return { protocolNameList: names.map((n) => ({ name: encodeAlpnName(n) })) };
}

/** The names a ClientHello offers, in its order; undefined when it carries no ALPN. */
export function offeredAlpn(ch: ClientHello): readonly string[] | undefined {
  return findExtension(ch.extensions, 'application_layer_protocol_negotiation')?.protocolNameList.map((p) =>
    decodeAlpnName(p.name),
  );
}

/**
 * The server's choice (RFC 7301 §3.2): undefined when either side has no ALPN.
 * @throws ProtocolError no_application_protocol when the selector names nothing the client offered.
 */
export function chooseAlpn(select: AlpnSelector | undefined, ch: ClientHello): string | undefined {
  const names = offeredAlpn(ch);
  if (names === undefined || select === undefined) return undefined;
  const pick = select(names, requestedName(ch));
  if (pick === undefined || !names.includes(pick)) {
    throw new ProtocolError(
      'no_application_protocol',
      `no application protocol in common: the client offered ${names.join(', ')} (RFC 7301 §3.2)`,
    );
  }
  return pick;
}

/** The client's reading of the answer. @throws ProtocolError illegal_parameter unless one offered name (§3.1). */
export function acceptedAlpn(offered: readonly string[] | undefined, answer: ProtocolNameList): string {
  const names = answer.protocolNameList.map((p) => decodeAlpnName(p.name));
  const [only] = names;
  if (names.length !== 1 || only === undefined || offered?.includes(only) !== true) {
    throw new ProtocolError(
      'illegal_parameter',
      `the server's ALPN answer ${names.join(', ')} is not one protocol we offered (RFC 7301 §3.1)`,
    );
  }
  return only;
}
