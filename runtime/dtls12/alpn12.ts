/**
 * ALPN (RFC 7301) in a DTLS 1.2 handshake. The bodies are those of 1.3; only the place of the server's answer differs
 * (the ServerHello, RFC 7301 §3.1, where 1.3 puts it in EncryptedExtensions). The options are the 1.3 connection's
 * (`alpn`, resolved as `alpnOffer` and `alpnSelect`), so a protocol set once is negotiated whichever version the peer
 * speaks.
 *
 * - Client: offers its names in preference order; the answer must be one name it offered (illegal_parameter otherwise,
 *   RFC 7301 §3.1).
 * - Server: picks by its own preference or its function; none in common is no_application_protocol (RFC 7301 §3.2); a
 *   server without ALPN, or a client that offered none, leaves the extension out.
 */
import type { ClientHello, ClientHelloExtension } from '../../generated/wire/client-hello.js';
import type { ProtocolNameList } from '../../generated/wire/ext-alpn.js';
import type { Tls12ServerHelloExtension } from '../../generated/wire/tls12-server-hello.js';
import { requestedName } from '../connection/psk-selection.js';
import { findExtension } from '../handshake/extensions.js';
import { ProtocolError } from '../handshake/protocol-error.js';
import { decodeAlpnName, encodeAlpnName, type AlpnSelector } from '../session/alpn.js';

/** The ClientHello's application_layer_protocol_negotiation for `names`; none when there is nothing to offer. */
export function alpnOffer12(names: readonly string[] | undefined): ClientHelloExtension[] {
  if (names === undefined || names.length === 0) return [];
  return [
    {
      extensionType: 'application_layer_protocol_negotiation',
      extensionData: { protocolNameList: names.map((n) => ({ name: encodeAlpnName(n) })) },
    },
  ];
}

/** The names a ClientHello offers, in its order; undefined when it carries no ALPN. */
export function offeredAlpn12(ch: ClientHello): readonly string[] | undefined {
  return findExtension(ch.extensions, 'application_layer_protocol_negotiation')?.protocolNameList.map((p) =>
    decodeAlpnName(p.name),
  );
}

/**
 * The server's choice (RFC 7301 §3.2): undefined when either side has no ALPN.
 *
 * @throws ProtocolError no_application_protocol when the selector names nothing the client offered.
 */
export function chooseAlpn12(select: AlpnSelector | undefined, ch: ClientHello): string | undefined {
  const names = offeredAlpn12(ch);
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

/** The ServerHello's answer: the one protocol chosen. */
export function alpnAnswer12(name: string): Tls12ServerHelloExtension {
  return {
    extensionType: 'application_layer_protocol_negotiation',
    extensionData: { protocolNameList: [{ name: encodeAlpnName(name) }] },
  };
}

/**
 * The client's reading of the server's answer.
 *
 * @throws ProtocolError illegal_parameter unless the answer is exactly one name of `offered` (RFC 7301 §3.1).
 */
export function acceptedAlpn12(offered: readonly string[] | undefined, answer: ProtocolNameList): string {
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
