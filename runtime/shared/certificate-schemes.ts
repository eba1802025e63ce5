import type { SignatureAlgorithm } from '../crypto/provider.js';
import { ProtocolError } from '../handshake/protocol-error.js';
import { parseCertificate } from '../pki/certification-path.js';
import { derOid, derSequence } from '../wire/der-writer.js';
import { pssParameters } from '../pki/signing-algorithm.js';
import { PKI_OID } from '../pki/oids.js';
import { bytesEqual } from '../wire/bytes.js';

/**
 * signature_algorithms_cert (RFC 8446 §4.2.3, §4.4.2.2) on the receiving side: the peer's chain must be signed with
 * schemes we listed, else unsupported_certificate. ECDSA maps by its hash (the curve is the issuer's); RSASSA-PSS by
 * its parameters, to rsa_pss_rsae_* or rsa_pss_pss_* (the issuer's key, maybe a trust anchor's, may not show which:
 * either is taken). Self-signed certificates are skipped: their signature is not validated.
 */

const BY_OID: Readonly<Record<string, readonly SignatureAlgorithm[]>> = {
  [PKI_OID.ecdsaWithSha256]: ['ecdsa_secp256r1_sha256'],
  [PKI_OID.ecdsaWithSha384]: ['ecdsa_secp384r1_sha384'],
  [PKI_OID.ecdsaWithSha512]: ['ecdsa_secp521r1_sha512'],
  [PKI_OID.sha256WithRsaEncryption]: ['rsa_pkcs1_sha256'],
  [PKI_OID.sha384WithRsaEncryption]: ['rsa_pkcs1_sha384'],
  [PKI_OID.sha512WithRsaEncryption]: ['rsa_pkcs1_sha512'],
  [PKI_OID.ed25519]: ['ed25519'],
  [PKI_OID.ed448]: ['ed448'],
};

/**
 * The whole signatureAlgorithm of a certificate signed with each PSS scheme: hash, MGF1 hash and salt length must all
 * be the scheme's (RFC 8446 §4.2.3), so the bytes are compared whole (an MGF1 or salt of another hash is no scheme),
 * with the hash parameters NULL or absent.
 */
const PSS_IDENTIFIERS: readonly (readonly [Uint8Array, readonly SignatureAlgorithm[]])[] = (
  ['sha256', 'sha384', 'sha512'] as const
).flatMap((hash) =>
  (['null', 'absent'] as const).map(
    (p) =>
      [
        derSequence([derOid(PKI_OID.rsassaPss), pssParameters(hash, p)]),
        [`rsa_pss_rsae_${hash}`, `rsa_pss_pss_${hash}`] as const,
      ] as const,
  ),
);

/** The schemes a certificate's signature counts as; empty for an algorithm no scheme names (SHA-1, PSS without parameters, ...). */
export function certificateSignatureSchemes(
  oid: string,
  algorithmIdentifier: Uint8Array,
): readonly SignatureAlgorithm[] {
  if (oid === PKI_OID.rsassaPss)
    return PSS_IDENTIFIERS.find(([identifier]) => bytesEqual(identifier, algorithmIdentifier))?.[1] ?? [];
  return BY_OID[oid] ?? [];
}

/** A certificate's signature as scheme names; `checked` false when self-signed or unparsable. */
type SignatureOf =
  | { readonly checked: false }
  | { readonly checked: true; readonly oid: string; readonly schemes: readonly SignatureAlgorithm[] };

const chainSignatures = new WeakMap<readonly Uint8Array[], readonly SignatureOf[]>();

function signaturesOf(chain: readonly Uint8Array[]): readonly SignatureOf[] {
  let known = chainSignatures.get(chain);
  if (!known) {
    known = chain.map((der, i): SignatureOf => {
      const parsed = parseCertificate(der, `certificate_list[${i}]`);
      // The chain verifier refuses what does not parse; a self-signed certificate's signature is not validated.
      if (typeof parsed === 'string' || bytesEqual(parsed.fields.issuer, parsed.fields.subject))
        return { checked: false };
      const { signatureAlgorithmOid: oid, signatureAlgorithm } = parsed.fields;
      return { checked: true, oid, schemes: certificateSignatureSchemes(oid, signatureAlgorithm) };
    });
    chainSignatures.set(chain, known);
  }
  return known;
}

/** The first certificate of `chain` signed with a scheme not in `accepted`, or undefined. */
export function unfitCertificate(
  accepted: readonly SignatureAlgorithm[],
  chain: readonly Uint8Array[],
): { readonly index: number; readonly oid: string; readonly schemes: readonly SignatureAlgorithm[] } | undefined {
  for (const [index, c] of signaturesOf(chain).entries()) {
    if (c.checked && !c.schemes.some((s) => accepted.includes(s))) return { index, oid: c.oid, schemes: c.schemes };
  }
  return undefined;
}

/** Throws unsupported_certificate when a signature in `chain` (leaf first, DER) uses a scheme not in `accepted`. */
export function checkCertificateSchemes(accepted: readonly SignatureAlgorithm[], chain: readonly Uint8Array[]): void {
  const unfit = unfitCertificate(accepted, chain);
  if (unfit) {
    throw new ProtocolError(
      'unsupported_certificate',
      `certificate_list[${unfit.index}] is signed with ${unfit.schemes.join(' / ') || unfit.oid}, not one of signature_algorithms_cert ${accepted.join(', ')} (RFC 8446 §4.2.3)`,
    );
  }
}
