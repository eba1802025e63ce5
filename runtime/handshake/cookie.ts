import type { KeyExchangeGroup, CryptoProvider } from '../crypto/provider.js';
import { CIPHER_SUITES, type SupportedCipherSuite } from '../crypto/suites.js';
import { integerOption } from '../config-error.js';
import { constantTimeEqual, copyOf } from '../wire/bytes.js';
import { scratchWriter } from '../wire/scratch.js';
import { Writer } from '../wire/writer.js';
import {
  namedGroupFromNumber,
  namedGroupToNumber,
  cipherSuiteFromNumber,
  cipherSuiteToNumber,
} from '../../generated/wire/enums.js';

/** What a server must remember across a stateless HelloRetryRequest (RFC 9147 §5.1, RFC 8446 §4.2.2). */
export interface CookieContents {
  readonly suite: SupportedCipherSuite;
  /** The group the HelloRetryRequest asked a key share for; undefined when it only carried the cookie. */
  readonly group: KeyExchangeGroup | undefined;
  /** Hash(ClientHello1), for the message_hash that starts the transcript. */
  readonly clientHelloHash: Uint8Array;
  /** ClientHello1's normalized server_name, which the second ClientHello must repeat (RFC 8446 §4.1.2). */
  readonly serverName?: string;
}

const VERSION = 2;
const TAG_LENGTH = 16;
/** Where {@link CookieProtector.seal} writes a cookie's body before the tag: one for every protector. */
const bodyWriter = new Writer('Cookie', 128);
/** The issue time's 8 bytes (big-endian float64), through one kept DataView. */
const ISSUED = new DataView(new ArrayBuffer(8));
const ISSUED_BYTES = new Uint8Array(ISSUED.buffer);
const utf8Decoder = new TextDecoder();
const GROUPS: readonly KeyExchangeGroup[] = ['x25519', 'x448', 'secp256r1', 'secp384r1', 'secp521r1', 'x25519mlkem768'];

/** A cookie's authentication tag (what {@link UsedCookies} remembers it by). */
export function cookieTag(cookie: Uint8Array): Uint8Array {
  return cookie.subarray(Math.max(0, cookie.length - TAG_LENGTH));
}

/** Seals and opens stateless cookies, HMAC-bound to the client's address and ClientHello1's random, until expiry. */
export class CookieProtector {
  private readonly provider: CryptoProvider;
  private readonly secret: Uint8Array;
  /** How long a cookie opens after it was issued, in ms. */
  readonly lifetime: number;

  constructor(provider: CryptoProvider, secret: Uint8Array = provider.randomBytes(32), lifetimeMs = 60_000) {
    this.provider = provider;
    this.secret = copyOf(secret);
    this.lifetime = integerOption('cookieLifetime', lifetimeMs, 1, 86_400_000);
  }

  private tag(body: Uint8Array, clientAddress: string, clientRandom: Uint8Array): Uint8Array {
    // The MAC's input in the scratch writer: read at once by the HMAC.
    const input = scratchWriter('CookieTag');
    input.bytes(body);
    input.bytes(clientRandom);
    input.utf8(clientAddress);
    return this.provider.hmac('sha256', this.secret, input.finish()).subarray(0, TAG_LENGTH);
  }

  seal(contents: CookieContents, clientAddress: string, clientRandom: Uint8Array, now: number): Uint8Array {
    const hash = contents.clientHelloHash;
    // The body in a writer of its own (the tag's input goes through the scratch one), the issue time through a kept DataView.
    const w = bodyWriter;
    w.reset('Cookie');
    w.u8(VERSION, 'version');
    ISSUED.setFloat64(0, now);
    w.bytes(ISSUED_BYTES);
    w.u16(cipherSuiteToNumber(contents.suite), 'suite');
    w.u16(contents.group === undefined ? 0 : namedGroupToNumber(contents.group), 'group');
    w.u8(hash.length, 'len_hash');
    w.bytes(hash);
    const at = w.reserve(1);
    const start = w.pos;
    w.utf8(contents.serverName ?? '');
    if (w.pos - start > 255) throw new RangeError('a server name of more than 255 bytes does not fit a cookie');
    w.patchLength(at, 1, start, 0, 255, 'len_server_name');
    const body = w.finish();
    const out = new Uint8Array(body.length + TAG_LENGTH);
    out.set(body, 0);
    out.set(this.tag(body, clientAddress, clientRandom), body.length);
    return out;
  }

  /** The contents, or undefined when the cookie is malformed, forged, for another address or ClientHello, or expired. */
  open(cookie: Uint8Array, clientAddress: string, clientRandom: Uint8Array, now: number): CookieContents | undefined {
    if (cookie.length < 14 + TAG_LENGTH || cookie[0] !== VERSION) return undefined;
    const body = cookie.subarray(0, cookie.length - TAG_LENGTH);
    if (!constantTimeEqual(this.tag(body, clientAddress, clientRandom), cookieTag(cookie))) return undefined;
    const v = new DataView(body.buffer, body.byteOffset, body.length);
    const issued = v.getFloat64(1);
    if (!(now >= issued && now - issued <= this.lifetime)) return undefined;
    const suite = cipherSuiteFromNumber(v.getUint16(9));
    const groupNumber = v.getUint16(11);
    const group = groupNumber === 0 ? undefined : namedGroupFromNumber(groupNumber);
    const hashLength = body[13]!;
    const nameLength = body[14 + hashLength];
    if (
      typeof suite !== 'string' ||
      !(suite in CIPHER_SUITES) ||
      nameLength === undefined ||
      body.length !== 15 + hashLength + nameLength
    )
      return undefined;
    if (group !== undefined && !GROUPS.includes(group as KeyExchangeGroup)) return undefined;
    const contents = {
      suite: suite as SupportedCipherSuite,
      group: group as KeyExchangeGroup | undefined,
      clientHelloHash: body.slice(14, 14 + hashLength),
    };
    return nameLength === 0
      ? contents
      : { ...contents, serverName: utf8Decoder.decode(body.subarray(15 + hashLength)) };
  }
}
