/** The nameConstraints extension (RFC 5280 §4.2.1.10), decoded strictly as the profile says (else DecodeError). */
import { findExtension, type CertificateFields } from './certificate-fields.js';
import { DerReader } from '../wire/der-reader.js';
import { DER_TAG } from '../wire/der-writer.js';
import { decodeGeneralName, type GeneralName } from './general-name.js';
import { parseDnsSubtree } from './name-constraint-match.js';
import { PKI_OID } from './oids.js';

/** A certificate's name constraints: the subtree bases, and whether the extension is critical. */
export interface NameConstraints {
  readonly critical: boolean;
  /** Bases of permittedSubtrees; empty when absent. */
  readonly permitted: readonly GeneralName[];
  /** Bases of excludedSubtrees; empty when absent. */
  readonly excluded: readonly GeneralName[];
}

const PERMITTED = 0xa0;
const EXCLUDED = 0xa1;

function decodeSubtrees(outer: DerReader, tag: number, field: string): GeneralName[] {
  const element = outer.optional(tag, field);
  if (element === undefined) return [];
  const path = `${outer.path}.${field}`;
  const r = DerReader.within(element, path);
  if (r.done) r.fail('GeneralSubtrees', 'empty (must hold at least one GeneralSubtree)');
  const bases: GeneralName[] = [];
  for (let i = 0; !r.done; i++) {
    const subtree = DerReader.within(r.read(DER_TAG.sequence, `[${i}]`), `${path}[${i}]`);
    const baseElement = subtree.next('base');
    const base = decodeGeneralName(subtree, baseElement, 'base', [8, 32]);
    if (base.form === 'dNSName' && parseDnsSubtree(base.name) === undefined)
      subtree.fail('base', `dNSName '${base.name}' is not a DNS name`, baseElement.offset);
    if (!subtree.done) subtree.fail('minimum', 'minimum and maximum must be absent (RFC 5280 §4.2.1.10)');
    bases.push(base);
  }
  return bases;
}

/** The nameConstraints of a certificate, or `undefined` when it has none. Throws `DecodeError` when malformed. */
export function nameConstraints(fields: CertificateFields): NameConstraints | undefined {
  const ext = findExtension(fields, PKI_OID.nameConstraints);
  if (ext === undefined) return undefined;
  const top = new DerReader(ext.value, 'nameConstraints');
  const r = DerReader.within(top.read(DER_TAG.sequence, 'NameConstraints'), 'nameConstraints');
  top.end('NameConstraints');
  const permitted = decodeSubtrees(r, PERMITTED, 'permittedSubtrees');
  const excluded = decodeSubtrees(r, EXCLUDED, 'excludedSubtrees');
  r.end('NameConstraints');
  if (permitted.length === 0 && excluded.length === 0)
    r.fail('NameConstraints', 'empty (RFC 5280 §4.2.1.10: one of the subtrees must be present)');
  return { critical: ext.critical, permitted, excluded };
}
