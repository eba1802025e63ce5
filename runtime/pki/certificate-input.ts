/** Certificates from node:tls-style options (`cert`, `ca`), each checked so a mistake names the option and block. */
import { ConfigError } from '../config-error.js';
import { parseCertificate } from './certification-path.js';
import { credentialItems, noBlock, type CredentialInput } from './credential-input.js';

/** The certificates of `input` (DER) in order, other labels skipped; a bad item or block throws {@link ConfigError}. */
export function readCertificates(option: string, input: CredentialInput): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const item of credentialItems(option, input)) {
    if (item.der !== undefined) {
      const parsed = parseCertificate(item.der, 'the DER item');
      if (typeof parsed === 'string') throw new ConfigError(item.option, `not a DER X.509 certificate (${parsed})`);
      out.push(item.der);
      continue;
    }
    const certs = (item.pem ?? []).filter((b) => b.label === 'CERTIFICATE');
    if (certs.length === 0) throw noBlock(item, 'CERTIFICATE');
    for (const block of certs) {
      const parsed = parseCertificate(block.der, 'the certificate');
      if (typeof parsed === 'string')
        throw new ConfigError(item.option, `PEM block ${block.position} (CERTIFICATE): ${parsed}`);
      out.push(block.der);
    }
  }
  return out;
}
