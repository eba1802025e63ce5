import { randomBytes } from 'node:crypto';
import { ConfigError, integerOption, described } from '../config-error.js';

/** Longest connection ID this implementation issues (RFC 9146 allows 255; 20 is what deployments use, as QUIC). */
export const MAX_CID_LENGTH = 20;

/** The `cid` option: the connection IDs this side asks the peer to put in the records it sends here. */
export interface ConnectionIdOption {
  /** Length of our CIDs in bytes, 0..20; 0 asks for a zero-length CID ("send me none", RFC 9146 §3) while still sending the peer's. */
  readonly length: number;
  /** Makes one CID of `length` bytes (default: the CSPRNG; a node id in it lets a load balancer route by CID). */
  readonly generate?: (length: number) => Uint8Array;
  /** Spare CIDs given to the peer with NewConnectionId (cid_spare) once connected, so it can switch CID on a new path (default 0). */
  readonly spares?: number;
  /** Most CIDs of ours the peer may hold at once; a RequestConnectionId for more gets fewer (default 8, at most 64). */
  readonly maxIssued?: number;
  /** Most of the peer's CIDs kept, the one in use included; spares beyond are discarded (RFC 9147 §9; default 8, at most 64). */
  readonly maxPeer?: number;
}

/** How an address change is checked (RFC 9853 §5): `basic` probes the new address; `enhanced` asks the old one first (off-path forwarding, §8.1.2). */
export type RrcProcedure = 'basic' | 'enhanced';

/** The `cid`, `rrc` and `rrcTimeoutMs` options, checked. */
export interface ResolvedConnectionIds extends Required<ConnectionIdOption> {
  /** Offer/accept the rrc extension, and the procedure when it is negotiated; undefined: no RRC. */
  readonly rrc: RrcProcedure | undefined;
  /** The path check's timer T (RFC 9853 §5.5: 1 s without an RTT estimate). */
  readonly rrcTimeoutMs: number;
}

const csprng = (length: number): Uint8Array => new Uint8Array(randomBytes(length));

/** Resolves `cid` (a length, or the object), `rrc` (default basic with a CID) and `rrcTimeoutMs`; ConfigError names the option. */
export function resolveConnectionIds(
  cid: unknown,
  rrc: unknown,
  rrcTimeoutMs: unknown,
): ResolvedConnectionIds | undefined {
  if (cid === undefined) {
    if (rrc !== undefined && rrc !== false)
      throw new ConfigError('rrc', 'needs a connection ID: set cid (RFC 9853 §3: rrc is offered with connection_id)');
    return undefined;
  }
  if (typeof cid !== 'number' && (typeof cid !== 'object' || cid === null)) {
    throw new ConfigError('cid', 'must be a length (0..20) or { length, generate?, spares?, maxIssued?, maxPeer? }');
  }
  const o: ConnectionIdOption = typeof cid === 'number' ? { length: cid } : (cid as ConnectionIdOption);
  const length = integerOption('cid.length', o.length, 0, MAX_CID_LENGTH);
  if (o.generate !== undefined && typeof o.generate !== 'function')
    throw new ConfigError('cid.generate', 'must be a function (length) => Uint8Array');
  const generate = o.generate ?? csprng;
  if (length > 0) checkGenerated(generate(length), length);
  const maxIssued = integerOption('cid.maxIssued', o.maxIssued ?? 8, 1, 64);
  const spares = integerOption('cid.spares', o.spares ?? 0, 0, maxIssued - 1);
  if (spares > 0 && length === 0)
    throw new ConfigError('cid.spares', 'a zero-length CID has no spares (RFC 9147 §9: no NewConnectionId then)');
  if (rrc !== undefined && typeof rrc !== 'boolean' && rrc !== 'basic' && rrc !== 'enhanced') {
    throw new ConfigError('rrc', `must be true, false, 'basic' or 'enhanced', got ${described(rrc)}`);
  }
  const procedure: RrcProcedure | undefined =
    rrc === undefined || rrc === true ? 'basic' : rrc === false ? undefined : rrc;
  return {
    length,
    generate: (n) => checkGenerated(generate(n), n),
    spares,
    maxIssued,
    maxPeer: integerOption('cid.maxPeer', o.maxPeer ?? 8, 1, 64),
    rrc: procedure,
    rrcTimeoutMs: integerOption('rrcTimeoutMs', (rrcTimeoutMs as number | undefined) ?? 1000, 10, 60_000),
  };
}

function checkGenerated(cid: unknown, length: number): Uint8Array {
  if (!(cid instanceof Uint8Array) || cid.length !== length) {
    const got = cid instanceof Uint8Array ? `${cid.length} bytes` : typeof cid;
    throw new ConfigError('cid.generate', `must return a Uint8Array of ${length} bytes, returned ${got}`);
  }
  return cid.slice();
}
