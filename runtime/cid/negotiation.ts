import type { ClientHelloExtension, ServerHelloExtension } from '../../generated/wire/index.js';
import { findExtension } from '../handshake/extensions.js';
import { ProtocolError } from '../handshake/protocol-error.js';
import type { RecordLayer } from '../record/record-layer.js';
import type { ResolvedConnectionIds } from './cid-options.js';
import { ConnectionIdState } from './cid-state.js';
import { LocalConnectionIds } from './local-cids.js';

/** What a connection needs to negotiate CIDs: its options, its record layer, and where the outcome goes. */
export interface CidNegotiationHost {
  readonly options: ResolvedConnectionIds | undefined;
  readonly records: RecordLayer;
  /** Server: whether a CID is already another session's (the UDP server's map). */
  readonly taken: ((cid: Uint8Array) => boolean) | undefined;
  /** Client: the CIDs offered in the ClientHello (kept across a HelloRetryRequest). */
  offered: LocalConnectionIds | undefined;
  /** The outcome once the hellos settled it. */
  session: ConnectionIdState | undefined;
  /** Tells the owner (the UDP server) about a CID of ours records may now carry. */
  issued(cid: Uint8Array): void;
}

/** Client: the connection_id extension with our CID (empty: zero-length), and rrc when configured (RFC 9853 §3). */
export function clientCidExtensions(host: CidNegotiationHost): ClientHelloExtension[] {
  const o = host.options;
  if (o === undefined) return [];
  if (host.offered === undefined) {
    host.offered = new LocalConnectionIds(o.length, o.generate);
    if (o.length > 0) host.offered.issue(1);
  }
  const local = host.offered;
  host.records.setConnectionIds({ length: local.length, ours: (c) => local.has(c), optional: true }, undefined);
  const cid = local.current ?? new Uint8Array(0);
  return [
    { extensionType: 'connection_id', extensionData: { cid } },
    ...(o.rrc !== undefined ? [{ extensionType: 'rrc' as const, extensionData: {} }] : []),
  ];
}

/** Client: the ServerHello's answer. A connection_id or rrc we did not offer is unsupported_extension (RFC 8446 §4.2); rrc alone is illegal. */
export function acceptServerCid(host: CidNegotiationHost, extensions: readonly ServerHelloExtension[]): void {
  const answer = findExtension(extensions, 'connection_id');
  const rrc = findExtension(extensions, 'rrc') !== undefined;
  const local = host.offered;
  if (local === undefined || host.options === undefined) {
    if (answer !== undefined || rrc)
      throw new ProtocolError(
        'unsupported_extension',
        'ServerHello answers connection_id or rrc, which the client did not offer',
      );
    return;
  }
  if (rrc && host.options.rrc === undefined)
    throw new ProtocolError('unsupported_extension', 'ServerHello answers rrc, which the client did not offer');
  if (answer === undefined) {
    if (rrc) throw new ProtocolError('illegal_parameter', 'ServerHello sends rrc without connection_id (RFC 9853 §3)');
    host.records.setConnectionIds(undefined, undefined); // the server takes no CIDs: none either way
    return;
  }
  host.session = new ConnectionIdState(host.options, local, answer.cid.slice(), rrc);
  host.records.setConnectionIds({ length: local.length, ours: (c) => local.has(c) }, answer.cid);
  const current = local.current;
  if (current !== undefined) host.issued(current);
}

/** The answer of a server that negotiates no CID: one empty list for all. */
export const NO_CID_ANSWER: readonly ServerHelloExtension[] = Object.freeze([]);

/**
 * Server: our CID for the ServerHello when the client offered connection_id (rrc when both want it), used from the
 * handshake epoch on. Called per ClientHello; the first CID is kept.
 */
export function answerClientCid(
  host: CidNegotiationHost,
  extensions: readonly ClientHelloExtension[],
): readonly ServerHelloExtension[] {
  const o = host.options;
  const offer = findExtension(extensions, 'connection_id');
  if (o === undefined || offer === undefined) return NO_CID_ANSWER;
  let session = host.session;
  if (session === undefined) {
    const local = new LocalConnectionIds(o.length, o.generate, host.taken);
    if (o.length > 0 && local.issue(1).length === 0) return NO_CID_ANSWER; // no free CID (a crowded short CID space): go on without
    const rrc = findExtension(extensions, 'rrc') !== undefined && o.rrc !== undefined;
    session = new ConnectionIdState(o, local, offer.cid.slice(), rrc);
    host.session = session;
    const current = local.current;
    if (current !== undefined) host.issued(current);
  }
  const local = session.local;
  host.records.setConnectionIds({ length: local.length, ours: (c) => local.has(c) }, session.peer.current);
  return [
    { extensionType: 'connection_id', extensionData: { cid: local.current ?? new Uint8Array(0) } },
    ...(session.rrcNegotiated ? [{ extensionType: 'rrc' as const, extensionData: {} }] : []),
  ];
}
