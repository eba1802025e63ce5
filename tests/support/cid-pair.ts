import type { ConnectionOptions } from '../../runtime/connection/connection.js';
import { PathLink } from './path-link.js';
import type { Identity } from './pki-fixtures.js';
import { makePair } from './stepper.js';

/**
 * A client and a server of `serverId` (makePair's) using connection IDs, the client's 4 bytes and the server's 6
 * unless `options` say otherwise, connected on a PathLink (a network of addresses). Throws, naming where each
 * stopped, when the handshake did not complete.
 */
export function connectedOnPaths(
  serverId: Identity,
  options: {
    client?: ConnectionOptions;
    server?: ConnectionOptions;
    link?: ConstructorParameters<typeof PathLink>[2];
  } = {},
): PathLink {
  const { client, server } = makePair(serverId, {
    client: { cid: 4, ...options.client },
    server: { cid: 6, ...options.server },
  });
  const link = new PathLink(client, server, options.link);
  client.connect(0);
  link.run();
  if (client.state !== 'connected' || server.state !== 'connected')
    throw new Error(`no handshake: the client in ${client.state}, the server in ${server.state}`);
  return link;
}
