/** What `send()` takes: text (sent as UTF-8) or the bytes a view covers. */
export type SendData = string | Uint8Array | ArrayBufferView;

/** The bytes of what `send()` was given: a string as UTF-8, a view's own range; anything else is node's `ERR_INVALID_ARG_TYPE`. */
export function sendBytes(data: SendData): Uint8Array {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (data instanceof Uint8Array) return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const error = new TypeError(
    `send: data must be a string, Buffer, TypedArray or DataView, got ${data === null ? 'null' : typeof data}`,
  );
  throw Object.assign(error, { code: 'ERR_INVALID_ARG_TYPE' });
}
