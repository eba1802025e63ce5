import type { ClientHello, EncryptedExtensions, EncryptedExtensionsExtension } from '../../generated/wire/index.js';
import { findExtension } from '../handshake/extensions.js';
import type { RecordLayer } from '../record/record-layer.js';
import type { ResolvedConfig } from '../shared/config.js';
import { MAX_RECORD_SIZE_LIMIT, peerRecordSizeLimit } from '../shared/record-size-limit.js';
import {
  acceptCertificateTypes,
  offeredCertificateTypeExtensions,
  type CertificateTypes,
  type ServerCertificateTypes,
} from '../shared/certificate-types.js';
import { acceptedSrtpProfile, chooseSrtp, srtpAnswer, type SrtpProfileName } from '../shared/srtp.js';

/** record_size_limit (RFC 8449) and use_srtp (RFC 5764) answers in EncryptedExtensions, and what each side settles. */

/** What the server settled from a ClientHello's record_size_limit and use_srtp. */
export interface ServerExtensionChoices {
  readonly srtpProfile: SrtpProfileName | undefined;
  /** The certificate types chosen (RFC 7250) and their answers. */
  readonly certificateTypeChoice: ServerCertificateTypes;
  /** The client's limit as we apply it; undefined when it sent none. */
  readonly peerRecordSizeLimit: number | undefined;
}

/** The server's reading of the ClientHello (bad values throw ProtocolError with the RFC's alert). */
export function serverExtensionChoices(
  config: ResolvedConfig,
  ch: ClientHello,
  certificateTypeChoice: ServerCertificateTypes,
): ServerExtensionChoices {
  const limit = findExtension(ch.extensions, 'record_size_limit');
  return {
    certificateTypeChoice,
    srtpProfile: chooseSrtp(config.srtp, ch),
    peerRecordSizeLimit: limit ? peerRecordSizeLimit(limit.recordSizeLimit, 'client') : undefined,
  };
}

/** The server's answers, and the record layer set for them from its EncryptedExtensions on. */
export function serverExtensionAnswers(
  config: ResolvedConfig,
  records: RecordLayer,
  choices: ServerExtensionChoices,
): EncryptedExtensionsExtension[] {
  const answers: EncryptedExtensionsExtension[] = [];
  if (choices.peerRecordSizeLimit !== undefined) {
    const ours = config.recordSizeLimit ?? MAX_RECORD_SIZE_LIMIT;
    records.setRecordSizeLimits({ send: choices.peerRecordSizeLimit, receive: ours });
    answers.push({ extensionType: 'record_size_limit', extensionData: { recordSizeLimit: ours } });
  }
  if (choices.srtpProfile !== undefined)
    answers.push({ extensionType: 'use_srtp', extensionData: srtpAnswer(choices.srtpProfile) });
  return answers;
}

/** The extensions a client may see answered in EncryptedExtensions beyond the ones extension-policy knows. */
export function clientOfferedMore(config: ResolvedConfig): string[] {
  return [
    ...(config.recordSizeLimit !== undefined ? ['record_size_limit'] : []),
    ...(config.srtp ? ['use_srtp'] : []),
    ...offeredCertificateTypeExtensions(config),
  ];
}

/** The client's reading of the server's answers: the SRTP profile and record_size_limit (both ways from now on). */
export function applyServerAnswers(
  config: ResolvedConfig,
  records: RecordLayer,
  ee: EncryptedExtensions,
): {
  readonly srtpProfile: SrtpProfileName | undefined;
  readonly peerRecordSizeLimit: number | undefined;
  readonly certificateTypes: CertificateTypes;
} {
  const srtp = findExtension(ee.extensions, 'use_srtp');
  const srtpProfile = srtp ? acceptedSrtpProfile(config.srtp, srtp) : undefined;
  const limit = findExtension(ee.extensions, 'record_size_limit');
  const peer = limit ? peerRecordSizeLimit(limit.recordSizeLimit, 'server') : undefined;
  if (peer !== undefined) records.setRecordSizeLimits({ send: peer, receive: config.recordSizeLimit });
  return { srtpProfile, peerRecordSizeLimit: peer, certificateTypes: acceptCertificateTypes(config, ee.extensions) };
}
