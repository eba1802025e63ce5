/**
 * Reading the first SRTP packets a peer sends, with the master key and salt
 * dtls13 exports (RFC 5764 §4.2): session keys from the AES-CM key
 * derivation (RFC 3711 §4.3, with no key derivation rate), then either
 * HMAC-SHA1-80 authentication and AES-CM decryption (RFC 3711 §4.1.1,
 * §4.2) or AES-GCM (RFC 7714 §8-§11). The rollover counter is taken as 0,
 * which holds for a stream's first 65,536 packets: enough to show the keys
 * are right, not an SRTP stack.
 */
import { createCipheriv, createDecipheriv, createHmac, timingSafeEqual } from 'node:crypto';
import type { SrtpProfileName } from '../../runtime/sans-io.js';

export interface RtpPacket {
  readonly payloadType: number;
  readonly sequenceNumber: number;
  readonly ssrc: number;
  /** The decrypted payload. */
  readonly payload: Uint8Array;
}

const aesCtr = (key: Uint8Array): string => (key.length === 32 ? 'aes-256-ctr' : 'aes-128-ctr');

/** AES-CM keystream XORed with `data` from the 16-byte counter block `iv` (RFC 3711 §4.1.1). */
function aesCm(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  const c = createCipheriv(aesCtr(key), key, iv);
  return Buffer.concat([c.update(data), c.final()]);
}

/** RFC 3711 §4.3.1-§4.3.3: `length` bytes of session key `label` (0 encryption, 1 authentication, 2 salt). */
function deriveKey(masterKey: Uint8Array, masterSalt: Uint8Array, label: number, length: number): Uint8Array {
  const x = new Uint8Array(16); // (label || r) XOR master salt, then × 2^16; a 96-bit AEAD salt is padded on the right (RFC 7714 §11)
  x.set(masterSalt);
  x[7]! ^= label;
  return aesCm(masterKey, x, new Uint8Array(length));
}

/** The RTP header's length: 12 bytes, the CSRCs, and a header extension (RFC 3550 §5.3.1); undefined when truncated. */
function headerLength(p: Uint8Array): number | undefined {
  if (p.length < 12 || p[0]! >> 6 !== 2) return undefined;
  let length = 12 + 4 * (p[0]! & 0x0f);
  if (p[0]! & 0x10) {
    if (p.length < length + 4) return undefined;
    length += 4 + 4 * ((p[length + 2]! << 8) | p[length + 3]!);
  }
  return length <= p.length ? length : undefined;
}

export interface SrtpReceiver {
  /** The packet's header and payload when it authenticates under the sender's keys; undefined otherwise (never throws). */
  open(packet: Uint8Array): RtpPacket | undefined;
}

export interface SrtpSessionKeys {
  readonly encryptionKey: Uint8Array;
  /** HMAC-SHA1's key; AEAD profiles have none. */
  readonly authKey: Uint8Array | undefined;
  readonly salt: Uint8Array;
}

/** The session keys of `profile` from its master key and salt (RFC 3711 §4.3; RFC 7714 §11 for AEAD: a 12-byte salt, no authentication key). */
export function srtpSessionKeys(
  profile: SrtpProfileName,
  masterKey: Uint8Array,
  masterSalt: Uint8Array,
): SrtpSessionKeys {
  const aead = profile.startsWith('SRTP_AEAD_');
  return {
    encryptionKey: deriveKey(masterKey, masterSalt, 0, masterKey.length),
    authKey: aead ? undefined : deriveKey(masterKey, masterSalt, 1, 20),
    salt: deriveKey(masterKey, masterSalt, 2, aead ? 12 : 14),
  };
}

/** A receiver for the stream protected with `masterKey` and `masterSalt` under `profile`. */
export function srtpReceiver(profile: SrtpProfileName, masterKey: Uint8Array, masterSalt: Uint8Array): SrtpReceiver {
  const aead = profile.startsWith('SRTP_AEAD_');
  const tagLength = aead ? 16 : profile === 'SRTP_AES128_CM_SHA1_32' ? 4 : 10;
  const { encryptionKey, authKey, salt } = srtpSessionKeys(profile, masterKey, masterSalt);
  return {
    open(packet) {
      const h = headerLength(packet);
      if (h === undefined || packet.length < h + tagLength) return undefined;
      const view = new DataView(packet.buffer, packet.byteOffset, packet.byteLength);
      const sequenceNumber = view.getUint16(2);
      const ssrc = view.getUint32(8);
      const header = packet.subarray(0, h);
      const body = packet.subarray(h, packet.length - tagLength);
      const tag = packet.subarray(packet.length - tagLength);
      const iv = new Uint8Array(aead ? 12 : 16);
      const ivView = new DataView(iv.buffer);
      let payload: Uint8Array;
      if (aead) {
        // RFC 7714 §8.1: 00 00 || SSRC || ROC || SEQ, XOR the session salt.
        ivView.setUint32(2, ssrc);
        ivView.setUint16(10, sequenceNumber);
        salt.forEach((b, i) => (iv[i]! ^= b));
        const d = createDecipheriv(encryptionKey.length === 32 ? 'aes-256-gcm' : 'aes-128-gcm', encryptionKey, iv);
        d.setAAD(header);
        d.setAuthTag(tag);
        try {
          payload = Buffer.concat([d.update(body), d.final()]);
        } catch {
          return undefined; // the tag did not verify
        }
      } else {
        // RFC 3711 §4.2: HMAC-SHA1 over the packet and the rollover counter (0), truncated.
        const mac = createHmac('sha1', authKey!)
          .update(packet.subarray(0, packet.length - tagLength))
          .update(new Uint8Array(4))
          .digest();
        if (!timingSafeEqual(mac.subarray(0, tagLength), tag)) return undefined;
        // RFC 3711 §4.1.1: IV = (k_s × 2^16) XOR (SSRC × 2^64) XOR (index × 2^16).
        iv.set(salt);
        ivView.setUint32(4, ivView.getUint32(4) ^ ssrc);
        ivView.setUint16(12, ivView.getUint16(12) ^ sequenceNumber);
        payload = aesCm(encryptionKey, iv, body);
      }
      return { payloadType: packet[1]! & 0x7f, sequenceNumber, ssrc, payload };
    },
  };
}

/** RFC 7983 §7: 128..191 is RTP or RTCP; RFC 5761 §4: RTCP when the second byte is 192..223 (packet types 64..95 once the marker bit is masked). */
export function isRtp(datagram: Uint8Array): boolean {
  const [first = 0, second = 0] = datagram;
  return first >= 128 && first <= 191 && !((second & 0x7f) >= 64 && (second & 0x7f) <= 95);
}
