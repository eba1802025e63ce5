import type { ConnectionOptions } from '../../runtime/connection/connection.js';
import type { NegotiatedParameters } from '../../runtime/shared/events.js';
import { Link } from './link.js';
import type { Identity } from './pki-fixtures.js';
import { makePair, type ServerOverrides } from './stepper.js';
import { isDtls12 } from '../../runtime/dtls12/negotiated.js';

/** What {@link linked}, {@link handshake} and {@link connected} take: makePair's options and the Link's. */
export interface HandshakeOptions {
  readonly client?: ConnectionOptions;
  readonly server?: ServerOverrides;
  readonly clientId?: Identity;
  readonly link?: ConstructorParameters<typeof Link>[2];
}

/** A fresh client and server (makePair's, for `serverId`) joined by an in-memory link; the handshake not started. */
export function linked(serverId: Identity, options: HandshakeOptions = {}): Link {
  const { client, server } = makePair(serverId, options);
  return new Link(client, server, options.link);
}

/** Runs a handshake between a fresh client and server over an in-memory link; returns the link and what the client saw. */
export function handshake(
  serverId: Identity,
  options: HandshakeOptions = {},
): { link: Link; parameters: NegotiatedParameters | undefined } {
  const link = linked(serverId, options);
  link.client.connect(0);
  link.run();
  const done = link.events.client.find((e) => e.type === 'handshakeComplete');
  return {
    link,
    parameters: done?.type === 'handshakeComplete' && !isDtls12(done.parameters) ? done.parameters : undefined,
  };
}

/** {@link handshake}'s link with both ends connected; throws, naming where each stopped, when the handshake did not complete. */
export function connected(serverId: Identity, options: HandshakeOptions = {}): Link {
  const { link } = handshake(serverId, options);
  if (link.client.state !== 'connected' || link.server.state !== 'connected')
    throw new Error(`no handshake: the client in ${link.client.state}, the server in ${link.server.state}`);
  return link;
}

/** Sends `text` both ways after the handshake and returns what each side received. */
export function roundTrip(link: Link, text: string): { atServer: string[]; atClient: string[] } {
  const enc = new TextEncoder();
  link.client.send(enc.encode(`${text} to server`));
  link.server.send(enc.encode(`${text} to client`));
  link.run(link.now + 60_000);
  const dec = (side: 'client' | 'server'): string[] =>
    link.events[side].flatMap((e) => (e.type === 'data' ? [new TextDecoder().decode(e.data)] : []));
  return { atServer: dec('server'), atClient: dec('client') };
}
