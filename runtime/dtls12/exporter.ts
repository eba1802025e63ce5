import type { Exporter } from '../shared/connection-facts.js';
import type { CryptoProvider } from '../crypto/provider.js';
import { dtls12Suite } from '../versions/suites12.js';
import type { Handshake12Result } from './handshake-result.js';
import { exportKeyingMaterial } from './key-derivation.js';

/**
 * The exporter of a completed 1.2 handshake (RFC 5705; key-derivation.ts keeps its rules), installed in the common
 * state at completion (connection.ts): the TLS 1.2 PRF over the master secret and both randoms, with the hash of the
 * suite the handshake settled (the write keys are released once the connection has ended, the result is not). The PRF
 * has no limit of its own: node:dtls's 65,536 less one (a 16-bit length) is taken. DtlsConnection checks the
 * arguments. An object over the result, no closure.
 */
export class Exporter12 implements Exporter {
  readonly maxLength = 65_535;
  private readonly provider: CryptoProvider;
  private readonly result: Handshake12Result;

  constructor(provider: CryptoProvider, result: Handshake12Result) {
    this.provider = provider;
    this.result = result;
  }

  derive(label: string, context: Uint8Array | undefined, length: number): Uint8Array {
    const r = this.result;
    const hash = dtls12Suite(r.cipherSuite)!.hash;
    return exportKeyingMaterial(
      this.provider,
      hash,
      r.masterSecret,
      label,
      r.clientRandom,
      r.serverRandom,
      context,
      length,
    );
  }
}
