/** DTLSInnerPlaintext (RFC 9147 §4): content, real content type, zero padding chosen by a padding policy. */

/** How many padding zeros to add after `contentLength` bytes of `contentType` content. */
export type PaddingPolicy = (contentLength: number, contentType: number) => number;

/** No padding beyond what the record number mask needs. */
export const noPadding: PaddingPolicy = () => 0;

/** Pads content + type up to a multiple of `block` bytes (hides lengths to that granularity). */
export function padToMultipleOf(block: number): PaddingPolicy {
  if (!Number.isInteger(block) || block < 1)
    throw new RangeError(`padding block must be a positive integer, got ${block}`);
  return (n) => (block - ((n + 1) % block)) % block;
}

/** Splits a deprotected DTLSInnerPlaintext; undefined when it is all zeros (no content type). */
export function decodeInnerPlaintext(inner: Uint8Array): { contentType: number; content: Uint8Array } | undefined {
  const i = contentTypeIndex(inner);
  if (i < 0) return undefined;
  return { contentType: inner[i]!, content: inner.subarray(0, i) };
}

/** Where a DTLSInnerPlaintext's content type is (its last non-zero byte), or -1 when it is all zeros. */
export function contentTypeIndex(inner: Uint8Array): number {
  let i = inner.length - 1;
  while (i >= 0 && inner[i] === 0) i--;
  return i;
}
