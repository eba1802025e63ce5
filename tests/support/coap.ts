import type { DtlsSession } from '../../runtime/index.js';

/**
 * Just enough CoAP (RFC 7252 §3) for tests that talk to libcoap over dtls13: a confirmable GET with Uri-Path options,
 * and the piggybacked 2.05 Content answer to one. Not a CoAP stack: no retransmission, blocks or observe.
 */

/** A CoAP message as §3 lays it out. */
export interface CoapMessage {
  /** 0 confirmable, 1 non-confirmable, 2 acknowledgement, 3 reset. */
  readonly type: number;
  /** class.detail as one byte: 0x01 GET, 0x45 2.05 Content, ... */
  readonly code: number;
  readonly messageId: number;
  readonly token: Uint8Array;
  /** Options in order: number and value. */
  readonly options: readonly { readonly number: number; readonly value: Uint8Array }[];
  readonly payload: Uint8Array;
}

/** Uri-Path (§5.10) and Content-Format (§5.10.3). */
export const COAP_OPTION = { uriPath: 11, contentFormat: 12 } as const;

function nibble(n: number): { readonly code: number; readonly extra: number[] } {
  if (n < 13) return { code: n, extra: [] };
  if (n < 269) return { code: 13, extra: [n - 13] };
  return { code: 14, extra: [(n - 269) >> 8, (n - 269) & 0xff] };
}

export function encodeCoap(m: CoapMessage): Uint8Array {
  const out: number[] = [
    (1 << 6) | (m.type << 4) | m.token.length,
    m.code,
    m.messageId >> 8,
    m.messageId & 0xff,
    ...m.token,
  ];
  let last = 0;
  for (const o of [...m.options].sort((a, b) => a.number - b.number)) {
    const delta = nibble(o.number - last);
    const length = nibble(o.value.length);
    out.push((delta.code << 4) | length.code, ...delta.extra, ...length.extra, ...o.value);
    last = o.number;
  }
  if (m.payload.length > 0) out.push(0xff, ...m.payload);
  return new Uint8Array(out);
}

/** Reads a CoAP message; throws an Error naming the byte offset of what does not parse. */
export function decodeCoap(bytes: Uint8Array): CoapMessage {
  if (bytes.length < 4 || bytes[0]! >> 6 !== 1) throw new Error('coap: not a version 1 header at byte 0');
  const tokenLength = bytes[0]! & 0x0f;
  let at = 4 + tokenLength;
  if (tokenLength > 8 || at > bytes.length) throw new Error('coap: bad token length at byte 0');
  const options: { number: number; value: Uint8Array }[] = [];
  let number = 0;
  const extended = (n: number): number => {
    if (n === 13) return 13 + bytes[at++]!;
    if (n === 14) {
      const v = 269 + ((bytes[at]! << 8) | bytes[at + 1]!);
      at += 2;
      return v;
    }
    if (n === 15) throw new Error(`coap: reserved option nibble at byte ${at}`);
    return n;
  };
  while (at < bytes.length && bytes[at] !== 0xff) {
    const head = bytes[at++]!;
    number += extended(head >> 4);
    const length = extended(head & 0x0f);
    if (at + length > bytes.length) throw new Error(`coap: option ${number} runs past the end at byte ${at}`);
    options.push({ number, value: bytes.slice(at, at + length) });
    at += length;
  }
  const payload = at < bytes.length ? bytes.slice(at + 1) : new Uint8Array(0);
  return {
    type: (bytes[0]! >> 4) & 3,
    code: bytes[1]!,
    messageId: (bytes[2]! << 8) | bytes[3]!,
    token: bytes.slice(4, 4 + tokenLength),
    options,
    payload,
  };
}

/** A confirmable GET of `path` ('/' or '/a/b'). */
export function coapGet(path: string, messageId: number, token: Uint8Array): Uint8Array {
  const segments = path.split('/').filter((s) => s.length > 0);
  return encodeCoap({
    type: 0,
    code: 0x01,
    messageId,
    token,
    options: segments.map((s) => ({ number: COAP_OPTION.uriPath, value: new TextEncoder().encode(s) })),
    payload: new Uint8Array(0),
  });
}

/** The piggybacked answer to `request` (§5.2.1): an ACK with its message ID and token, 2.05 Content, text/plain. */
export function coapContent(request: CoapMessage, text: string): Uint8Array {
  return encodeCoap({
    type: 2,
    code: 0x45,
    messageId: request.messageId,
    token: request.token,
    options: [{ number: COAP_OPTION.contentFormat, value: new Uint8Array(0) }],
    payload: new TextEncoder().encode(text),
  });
}

/** The Uri-Path of a request, as '/a/b'. */
export function coapPath(m: CoapMessage): string {
  return `/${m.options
    .filter((o) => o.number === COAP_OPTION.uriPath)
    .map((o) => new TextDecoder().decode(o.value))
    .join('/')}`;
}

/** A listener's session as a small CoAP server: each request answered 2.05 with `21.5 C at <its path>`. */
export function serveTemperature(s: DtlsSession): void {
  s.onmessage = (m) => {
    const request = decodeCoap(m);
    s.send(coapContent(request, `21.5 C at ${coapPath(request)}`));
  };
}
