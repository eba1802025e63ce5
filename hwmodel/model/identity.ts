import type { KeyPairKind } from '../../runtime/pki/key-pair.js';
import { createThrowawayIdentity } from '../../runtime/pki/throwaway-identity.js';

/** A server identity for a simulation: its chain and key, the client's trust anchor, and the instant it is valid at. */
export interface SimIdentity {
  readonly certificate: { readonly chain: readonly Uint8Array[]; readonly privateKey: Uint8Array };
  readonly trustAnchors: readonly Uint8Array[];
  readonly serverName: string;
  /** Wall-clock time (ms since the epoch) the connections check validity at. */
  readonly at: number;
}

/** A throwaway CA and server certificate (`kind` keys) valid around `at`. */
export function makeSimIdentity(kind: KeyPairKind = 'p256', at = Date.now()): SimIdentity {
  const id = createThrowawayIdentity({ kind, at, serverName: 'device.sim', caName: 'dtls13 simulation CA' });
  return { certificate: { chain: id.chain, privateKey: id.privateKey }, trustAnchors: [id.caDer], serverName: 'device.sim', at };
}
