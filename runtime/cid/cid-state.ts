import type { RrcProcedure, ResolvedConnectionIds } from './cid-options.js';
import type { LocalConnectionIds } from './local-cids.js';
import { PeerConnectionIds } from './peer-cids.js';

/** RequestConnectionIds answered over a session's life before too_many_cids_requested (RFC 9147 §9 lets an endpoint end it). */
export const MAX_REQUESTS_ANSWERED = 64;

/** What the hellos settled about CIDs and what changes after: ours, the peer's, RRC, our RequestConnectionId (§9). */
export class ConnectionIdState {
  readonly local: LocalConnectionIds;
  readonly peer: PeerConnectionIds;
  /** Both sides sent the rrc extension (RFC 9853 §3): we answer path challenges. */
  readonly rrcNegotiated: boolean;
  /** The procedure we check a peer's new address with: RRC negotiated and records to us carry a CID (how we know it is the peer). */
  readonly rrc: RrcProcedure | undefined;
  readonly options: ResolvedConnectionIds;
  /** Our RequestConnectionId waits for the peer's NewConnectionId. */
  requestOutstanding = false;
  requestsReceived = 0;

  constructor(options: ResolvedConnectionIds, local: LocalConnectionIds, peerCid: Uint8Array, rrc: boolean) {
    this.options = options;
    this.local = local;
    this.peer = new PeerConnectionIds(peerCid, options.maxPeer);
    this.rrcNegotiated = rrc;
    this.rrc = rrc && local.length > 0 ? options.rrc : undefined;
  }

  /** We receive records with a non-empty CID (so a NewConnectionId from us, and a RequestConnectionId from the peer, make sense). */
  get receivesCid(): boolean {
    return this.local.length > 0;
  }

  /** The peer receives records with a non-empty CID (so its NewConnectionId, and our RequestConnectionId, make sense). */
  get sendsCid(): boolean {
    return this.peer.current.length > 0;
  }
}
