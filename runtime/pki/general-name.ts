/** GeneralName (RFC 5280 §4.2.1.6): dNSName and iPAddress decoded, the other forms kept as contents (so present). */
import type { CertificateFields } from './certificate-fields.js';
import { findExtension } from './certificate-fields.js';
import { DerReader, type DerElement } from '../wire/der-reader.js';
import { DER_TAG } from '../wire/der-writer.js';
import { PKI_OID } from './oids.js';

/** The context tag number of each GeneralName choice (RFC 5280 §4.2.1.6). */
export const GENERAL_NAME_TAG = {
  otherName: 0,
  rfc822Name: 1,
  dNSName: 2,
  x400Address: 3,
  directoryName: 4,
  ediPartyName: 5,
  uniformResourceIdentifier: 6,
  iPAddress: 7,
  registeredID: 8,
} as const;

export type GeneralNameForm = keyof typeof GENERAL_NAME_TAG;

/** A GeneralName: dNSName as text, iPAddress as octets, the other forms as their contents octets. */
export type GeneralName =
  | { readonly form: 'dNSName'; readonly name: string }
  | { readonly form: 'iPAddress'; readonly octets: Uint8Array }
  | { readonly form: Exclude<GeneralNameForm, 'dNSName' | 'iPAddress'>; readonly contents: Uint8Array };

/** Choices whose encoding is constructed (a SEQUENCE, or an EXPLICIT Name); the others are primitive. */
const CONSTRUCTED_FORMS: ReadonlySet<GeneralNameForm> = new Set([
  'otherName',
  'x400Address',
  'directoryName',
  'ediPartyName',
]);

const FORM_BY_TAG: readonly GeneralNameForm[] = Object.keys(GENERAL_NAME_TAG) as GeneralNameForm[];

const CONTEXT_SPECIFIC = 0x80;
const CONSTRUCTED = 0x20;

/** The GeneralName in `element`; iPAddress of `iPAddressLengths` octets (4/16, or 8/32 in a constraint). */
export function decodeGeneralName(
  r: DerReader,
  element: DerElement,
  field: string,
  iPAddressLengths: readonly number[],
): GeneralName {
  const tag = element.tag;
  const form = (tag & 0xc0) === CONTEXT_SPECIFIC ? FORM_BY_TAG[tag & 0x1f] : undefined;
  if (form === undefined) r.fail(field, `not a GeneralName (tag 0x${tag.toString(16)})`, element.offset);
  if (((tag & CONSTRUCTED) !== 0) !== CONSTRUCTED_FORMS.has(form))
    r.fail(field, `${form} with the wrong primitive/constructed form`, element.offset);
  const v = element.contents;
  switch (form) {
    case 'dNSName':
      // IA5String: 7-bit characters only (X.680 §41).
      if (v.some((b) => b > 0x7f)) r.fail(field, 'dNSName is not an IA5String', element.offset);
      return { form, name: new TextDecoder().decode(v) };
    case 'iPAddress':
      if (!iPAddressLengths.includes(v.length))
        r.fail(field, `iPAddress of ${v.length} octets, expected ${iPAddressLengths.join(' or ')}`, element.offset);
      return { form, octets: v };
    default:
      return { form, contents: v };
  }
}

/** The subjectAltName entries (strict: one at least, iPAddress 4 or 16 octets, dNSName 7-bit), or `undefined`. */
export function subjectAltNames(fields: CertificateFields): readonly GeneralName[] | undefined {
  const ext = findExtension(fields, PKI_OID.subjectAltName);
  if (ext === undefined) return undefined;
  const top = new DerReader(ext.value, 'subjectAltName');
  const r = DerReader.within(top.read(DER_TAG.sequence, 'GeneralNames'), 'subjectAltName');
  top.end('GeneralNames');
  if (r.done) r.fail('GeneralNames', 'empty SEQUENCE (must hold at least one GeneralName)');
  const names: GeneralName[] = [];
  for (let i = 0; !r.done; i++) names.push(decodeGeneralName(r, r.next(`[${i}]`), `[${i}]`, [4, 16]));
  return names;
}
