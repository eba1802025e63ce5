import { connectionIdsOf, type NegotiatedIds, type PeerLink } from '../shared/connection-facts.js';
import { rebindRefused12 } from './feature-error.js';
import { FACTS12 } from './version-facts.js';

/**
 * The peer's address as a DTLS 1.2 server follows it with RFC 9146 connection IDs. A listener hands a session every
 * tls12_cid record that carries its CID, from whatever address (runtime/node/transport.ts); the session moves to a new
 * address only as RFC 9146 §6 allows without a return routability check (which dtls13 negotiates in DTLS 1.3 only): the
 * datagram authenticated under the session's keys, and it held a record newer than any received before. A copy or a
 * replay of an old record from elsewhere moves nothing; a forged one does not authenticate.
 *
 * It is 1.2's `PeerLink` (connection-facts.ts), lent to its DtlsConnection's common state: the path, the CIDs the
 * handshake settled, and a client's `rebind`.
 */
export class PeerPath12 implements PeerLink {
  private readonly role: 'client' | 'server';
  /** The path (`address|port`) the peer is at, once a datagram came (a client: its own socket's, moved by rebind). */
  current: string | undefined;
  migrations = 0;
  /** The CIDs (RFC 9146), once the handshake completed with them. */
  session: NegotiatedIds | undefined;

  constructor(role: 'client' | 'server') {
    this.role = role;
  }

  /**
   * A client moves to another local socket (`path`): possible when the server asked for a CID (RFC 9146), which lets it
   * find the session from the new address; without one it would see a new peer. A server never moves itself.
   * @throws Dtls12FeatureError when it cannot.
   */
  rebind(path: string): void {
    const refused = this.role === 'client' ? FACTS12.rebindRefusal(connectionIdsOf(this.session)) : rebindRefused12();
    if (refused !== undefined) throw refused;
    this.current = path;
  }

  /** A datagram over `path` (undefined: the current one) was taken; `newer`: it authenticated the newest tls12_cid record yet. The move, if it moved. */
  taken(path: string | undefined, newer: boolean): { readonly from: string; readonly to: string } | undefined {
    if (path === undefined) return undefined;
    if (this.current === undefined) {
      this.current = path;
      return undefined;
    }
    if (path === this.current || !newer) return undefined;
    const from = this.current;
    this.current = path;
    this.migrations++;
    return { from, to: path };
  }
}
