import type { ConnectionOptions } from '../../runtime/dtls/connection.js';
import type { NegotiatedParameters } from '../../runtime/connection/events.js';
import { Link } from './link.js';
import type { Identity } from './pki-fixtures.js';
import { makePair, type ServerOverrides } from './stepper.js';
import { isDtls12 } from '../../runtime/dtls12/negotiated12.js';

/** Runs a handshake between a fresh client and server over an in-memory link; returns the link and what the client saw. */
export function handshake(
  serverId: Identity,
  options: {
    client?: ConnectionOptions;
    server?: ServerOverrides;
    clientId?: Identity;
    link?: ConstructorParameters<typeof Link>[2];
  } = {},
): { link: Link; parameters: NegotiatedParameters | undefined } {
  const { client, server } = makePair(serverId, options);
  const link = new Link(client, server, options.link);
  client.connect(0);
  link.run();
  const done = link.events.client.find((e) => e.type === 'handshakeComplete');
  return {
    link,
    parameters: done?.type === 'handshakeComplete' && !isDtls12(done.parameters) ? done.parameters : undefined,
  };
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
