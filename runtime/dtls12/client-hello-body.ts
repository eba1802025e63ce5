/**
 * A DTLS 1.2 ClientHello as RFC 5246 §7.4.1.2 allows it: the extensions block may be absent ("the presence of
 * extensions can be detected by determining whether there are bytes following the compression_methods") and, when
 * present, as short as it is (extended_master_secret alone is 4 bytes). The wire schema (spec/wire/client_hello.ksy)
 * reads the 1.3 form, `extensions<8..2^16-1>`, on which such a ClientHello would not decode; node-dtls-client's PSK
 * client and small CoAP stacks send one. Here the body is read as the schema reads it, with an empty padding extension
 * (RFC 7685, no meaning) standing in for the missing bytes, and that extension is left out of what is returned. The transcript and the cookie keep the bytes as they came (callers
 * hash `body`, never the stand-in).
 */
import { decodeClientHello, type ClientHello } from '../../generated/wire/client-hello.js';
import { ExtensionType } from '../../generated/wire/enums.js';
import { DecodeError } from '../wire/errors.js';

/** The least extensions block the schema reads (RFC 8446 §4.1.2's bound). */
const LEAST = 8;

/** Where the extensions block of a ClientHello body starts, or -1 when the fields before it do not fit. */
function extensionsAt(body: Uint8Array): number {
  let at = 2 + 32;
  if (at + 1 > body.length) return -1;
  at += 1 + body[at]!; // legacy_session_id
  if (at + 1 > body.length) return -1;
  at += 1 + body[at]!; // cookie
  if (at + 2 > body.length) return -1;
  at += 2 + ((body[at]! << 8) | body[at + 1]!); // cipher_suites
  if (at + 1 > body.length) return -1;
  at += 1 + body[at]!; // compression_methods
  return at <= body.length ? at : -1;
}

/**
 * The ClientHello in `body`, a DTLS 1.2 one too whose extensions block is absent or shorter than 8 bytes. Throws
 * DecodeError for what is malformed either way.
 */
export function decodeClientHello12(body: Uint8Array): ClientHello {
  const at = extensionsAt(body);
  if (at < 0) return decodeClientHello(body);
  let extensions: Uint8Array;
  if (at === body.length) extensions = new Uint8Array(0);
  else {
    if (at + 2 > body.length) return decodeClientHello(body);
    const length = (body[at]! << 8) | body[at + 1]!;
    if (length >= LEAST || at + 2 + length !== body.length) return decodeClientHello(body);
    extensions = body.subarray(at + 2);
  }
  // The short block, then a padding extension making it 8 bytes.
  const pad = Math.max(0, LEAST - extensions.length - 4);
  const total = extensions.length + 4 + pad;
  const stand = new Uint8Array(at + 2 + total);
  stand.set(body.subarray(0, at));
  stand[at] = total >> 8;
  stand[at + 1] = total & 0xff;
  stand.set(extensions, at + 2);
  const p = at + 2 + extensions.length;
  stand[p + 1] = ExtensionType.padding;
  stand[p + 3] = pad;
  const hello = decodeClientHello(stand);
  // The stand-in must decode as itself, the last extension: an extension of the short block that claims more bytes than
  // it has would otherwise take the stand-in as its data, and a malformed block would read as no extensions at all.
  const last = hello.extensions.at(-1);
  if (last?.extensionType !== 'padding' || last.extensionData.padding.length !== pad) {
    throw new DecodeError(
      'ClientHello.extensions',
      at + 2,
      `the ${extensions.length}-byte extensions block does not hold whole extensions`,
    );
  }
  return { ...hello, extensions: hello.extensions.slice(0, -1) };
}
