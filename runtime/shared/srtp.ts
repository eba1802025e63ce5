import type { ClientHello, UseSrtpData } from '../../generated/wire/index.js';
import { srtpProtectionProfileToNumber, type SrtpProtectionProfile } from '../../generated/wire/enums.js';
import { ConfigError } from '../config-error.js';
import { findExtension } from '../handshake/extensions.js';
import { ProtocolError } from '../handshake/protocol-error.js';

/**
 * DTLS-SRTP (RFC 5764): the use_srtp offer and answer (EncryptedExtensions in 1.3) and the keys from the exporter. No
 * profile in common: no answer, no SRTP (§4.1.1). We never use an MKI, and refuse an answer with one (illegal_parameter).
 */

/** A profile's name (OpenSSL's spelling), IANA code point and master key and salt lengths in bytes. */
export interface SrtpProfileInfo {
  readonly name: SrtpProfileName;
  readonly code: number;
  readonly keyLength: number;
  readonly saltLength: number;
}

/** The profiles dtls13 negotiates: RFC 5764 §4.1.2's AES-CM ones and RFC 7714's AEAD ones (the NULL-cipher ones are left out). */
export const SRTP_PROFILES = {
  SRTP_AES128_CM_SHA1_80: { wire: 'srtp_aes128_cm_hmac_sha1_80', keyLength: 16, saltLength: 14 },
  SRTP_AES128_CM_SHA1_32: { wire: 'srtp_aes128_cm_hmac_sha1_32', keyLength: 16, saltLength: 14 },
  SRTP_AEAD_AES_128_GCM: { wire: 'srtp_aead_aes_128_gcm', keyLength: 16, saltLength: 12 },
  SRTP_AEAD_AES_256_GCM: { wire: 'srtp_aead_aes_256_gcm', keyLength: 32, saltLength: 12 },
} as const satisfies Record<
  string,
  { readonly wire: SrtpProtectionProfile & string; readonly keyLength: number; readonly saltLength: number }
>;

export type SrtpProfileName = keyof typeof SRTP_PROFILES;

/** The exporter label of RFC 5764 §4.2. */
export const SRTP_EXPORTER_LABEL = 'EXTRACTOR-dtls_srtp';

const isProfileName = (name: unknown): name is SrtpProfileName =>
  typeof name === 'string' && Object.hasOwn(SRTP_PROFILES, name);

/** What a profile is: its code point and key and salt lengths. */
export function srtpProfileInfo(name: SrtpProfileName): SrtpProfileInfo {
  const p = SRTP_PROFILES[name];
  return { name, code: srtpProtectionProfileToNumber(p.wire), keyLength: p.keyLength, saltLength: p.saltLength };
}

/** The `srtp` option: profile names in preference order, an array or colon-separated; each known, none repeated. */
export function srtpOption(value: unknown): readonly SrtpProfileName[] | undefined {
  if (value === undefined) return undefined;
  const names = typeof value === 'string' ? value.split(':').filter((s) => s.length > 0) : value;
  if (!Array.isArray(names) || names.length === 0)
    throw new ConfigError('srtp', 'must be a non-empty list of SRTP protection profile names');
  for (const [i, n] of (names as unknown[]).entries()) {
    if (!isProfileName(n))
      throw new ConfigError(
        'srtp',
        `'${String(n)}' is not a profile dtls13 knows (${Object.keys(SRTP_PROFILES).join(', ')})`,
      );
    if (names.indexOf(n) !== i) throw new ConfigError('srtp', `'${n}' is listed twice`);
  }
  return names as readonly SrtpProfileName[];
}

const byWire = new Map<SrtpProtectionProfile, SrtpProfileName>(
  Object.entries(SRTP_PROFILES).map(([name, p]) => [p.wire as SrtpProtectionProfile, name as SrtpProfileName]),
);

/** The use_srtp body of our ClientHello: the profiles in preference order, no MKI. */
export function srtpOffer(profiles: readonly SrtpProfileName[]): UseSrtpData {
  return { protectionProfiles: profiles.map((p) => SRTP_PROFILES[p].wire), srtpMki: new Uint8Array(0) };
}

/** The server's pick (either version): its first preference the client offered; undefined when none. */
export function chooseSrtp(ours: readonly SrtpProfileName[] | undefined, ch: ClientHello): SrtpProfileName | undefined {
  const offer = findExtension(ch.extensions, 'use_srtp');
  if (offer === undefined || ours === undefined) return undefined;
  const offered = new Set(offer.protectionProfiles.flatMap((p) => byWire.get(p) ?? []));
  return ours.find((p) => offered.has(p));
}

/** The server's answer in EncryptedExtensions: one profile, an empty MKI (the client's, if any, is not used). */
export function srtpAnswer(profile: SrtpProfileName): UseSrtpData {
  return { protectionProfiles: [SRTP_PROFILES[profile].wire], srtpMki: new Uint8Array(0) };
}

/** The client's reading of the server's answer: exactly one profile it offered, and no MKI (we offer none). */
export function acceptedSrtpProfile(
  offered: readonly SrtpProfileName[] | undefined,
  answer: UseSrtpData,
): SrtpProfileName {
  const [only, ...more] = answer.protectionProfiles;
  const name = only === undefined ? undefined : byWire.get(only);
  if (more.length > 0 || name === undefined || !offered?.includes(name)) {
    throw new ProtocolError(
      'illegal_parameter',
      `the server's use_srtp answer ${answer.protectionProfiles.map(String).join(', ')} is not one profile we offered (RFC 5764 §4.1.1)`,
    );
  }
  if (answer.srtpMki.length > 0)
    throw new ProtocolError(
      'illegal_parameter',
      'the server answered use_srtp with an MKI we did not offer (RFC 5764 §4.1.1)',
    );
  return name;
}

/** SRTP master keys and salts for both directions (RFC 5764 §4.2). */
export interface SrtpKeyingMaterial {
  readonly profile: SrtpProfileName;
  readonly clientKey: Uint8Array;
  readonly clientSalt: Uint8Array;
  readonly serverKey: Uint8Array;
  readonly serverSalt: Uint8Array;
}

/** Anything that exports keying material (RFC 8446 §7.5): a DtlsConnection, a socket or a session. */
export interface KeyingMaterialExporter {
  exportKeyingMaterial(length: number, label: string, context?: Uint8Array): Uint8Array;
}

/**
 * The SRTP keys of a connection that negotiated `profile`, exported and split as RFC 5764 §4.2 lays them out (client
 * key, server key, client salt, server salt). An unknown `profile` is a ConfigError.
 */
export function srtpKeyingMaterial(
  connection: KeyingMaterialExporter,
  profile: SrtpProfileName | (string & {}),
): SrtpKeyingMaterial {
  if (!isProfileName(profile))
    throw new ConfigError('profile', `'${String(profile)}' is not an SRTP protection profile dtls13 knows`);
  const { keyLength: k, saltLength: s } = SRTP_PROFILES[profile];
  const m = connection.exportKeyingMaterial(2 * (k + s), SRTP_EXPORTER_LABEL);
  return {
    profile,
    clientKey: m.slice(0, k),
    serverKey: m.slice(k, 2 * k),
    clientSalt: m.slice(2 * k, 2 * k + s),
    serverSalt: m.slice(2 * k + s, 2 * (k + s)),
  };
}
