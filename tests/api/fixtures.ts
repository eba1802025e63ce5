import type { DtlsSession } from '../../runtime/node/dtls/session.js';
import { certificateToPem, privateKeyToPem } from '../../runtime/pki/pem.js';
import { createThrowawayIdentity } from '../../runtime/pki/throwaway-identity.js';

/** A throwaway CA and a leaf for `serverName`, as the PEM texts node-style options take. */
export interface PemIdentity {
  readonly cert: string;
  readonly key: string;
  readonly ca: string;
}

export function pemIdentity(serverName: string, caName = 'dtls13 test CA'): PemIdentity {
  const id = createThrowawayIdentity({ serverName, caName });
  return { cert: id.chain.map((c) => certificateToPem(c)).join(''), key: privateKeyToPem(id.privateKey), ca: certificateToPem(id.caDer) };
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** The next message `session.onmessage` receives. */
export function nextMessage(session: DtlsSession): Promise<Buffer> {
  return new Promise((resolve) => (session.onmessage = resolve));
}
