import test from 'ava';
import fc from 'fast-check';
import { decodeHandshake } from '../../generated/wire/index.js';
import type { FieldIR, TypeIR } from '../../generator/ir/model.js';
import { DecodeError, EncodeError } from '../../runtime/wire/index.js';
import { arbitraryOf } from '../support/arbitrary.js';
import { fromHex } from '../support/canon.js';
import { codecOf, encodeWithParams, paramsFor, validateWithParams } from '../support/codecs.js';
import { prepareSpans, spansOf, type Span } from '../support/oracle-spans.js';
import { codecTypes, ir } from '../support/spec.js';
import * as v8448 from '../vectors/rfc8448-simple-1rtt.js';

test.before(async () => {
  await prepareSpans();
});

const type = (id: string): TypeIR => ir.types.get(id)!;

/** The RFC 8448 §3 server messages with the structure their body decodes as. */
const vectors = [
  { v: v8448.serverHello, t: type('server_hello') },
  { v: v8448.encryptedExtensions, t: type('encrypted_extensions') },
  { v: v8448.certificate, t: type('certificate') },
  { v: v8448.certificateVerify, t: type('certificate_verify') },
  { v: v8448.serverFinished, t: type('finished') },
  { v: v8448.newSessionTicket, t: type('new_session_ticket') },
];

/** The segment of a DecodeError path right below the top-level structure. */
const firstSegment = (e: DecodeError): string => e.path.split(/[.[]/)[1] ?? '';

const topLevel = (spans: readonly Span[]): Span[] =>
  spans.filter((s) => !s.path.includes('.') && !s.path.includes('['));

/** The field being read when the input ran out at `k`: the first top-level field that ends past `k`. */
const fieldAt = (spans: readonly Span[], k: number): string | undefined => topLevel(spans).find((s) => s.end > k)?.id;

for (const { v, t } of vectors) {
  const full = fromHex(v.hex);
  const body = full.subarray(4);
  const codec = codecOf(t);
  const openEnded = t.fields.at(-1)?.size.kind === 'eos';

  test(`${v.name}: every truncation fails with a DecodeError naming the field being read`, (tt) => {
    const spans = spansOf(type('handshake'), full);
    for (let k = 0; k < full.length; k++) {
      const e = tt.throws(() => decodeHandshake(full.subarray(0, k)), { instanceOf: DecodeError });
      if (!e) return;
      tt.is(firstSegment(e), fieldAt(spans, k) ?? '(no field)', `Handshake cut at ${k}: ${e.message}`);
      tt.true(e.offset <= k);
    }
    if (openEnded) return; // Finished.verify_data runs to the end of the message: only the framing can tell it is short
    const bodySpans = spansOf(t, body);
    for (let k = 0; k < body.length; k++) {
      const e = tt.throws(() => codec.decode(body.subarray(0, k)), { instanceOf: DecodeError });
      if (!e) return;
      tt.is(firstSegment(e), fieldAt(bodySpans, k) ?? '(no field)', `${t.tsName} cut at ${k}: ${e.message}`);
      tt.regex(e.reason, /truncated/);
    }
  });

  test(`${v.name}: a trailing byte fails`, (tt) => {
    const e = tt.throws(() => decodeHandshake(Uint8Array.of(...full, 0)), { instanceOf: DecodeError });
    tt.is(e?.path, 'Handshake');
    tt.regex(e?.reason ?? '', /1 trailing byte/);
    if (!openEnded) tt.throws(() => codec.decode(Uint8Array.of(...body, 0)), { instanceOf: DecodeError });
  });

  test(`${v.name}: every length field off by one fails`, (tt) => {
    const lengths = spansOf(type('handshake'), full).filter((s) => s.id.startsWith('len_'));
    tt.true(lengths.length > 0);
    for (const s of lengths) {
      const width = s.end - s.start;
      let value = 0;
      for (let i = s.start; i < s.end; i++) value = value * 256 + full[i]!;
      for (const delta of [-1, 1]) {
        const next = value + delta;
        if (next < 0 || next >= 2 ** (8 * width)) continue;
        const bad = full.slice();
        for (let i = 0, x = next; i < width; i++, x = Math.floor(x / 256)) bad[s.end - 1 - i] = x % 256;
        tt.throws(() => decodeHandshake(bad), { instanceOf: DecodeError }, `${s.path} ${value} → ${next}`);
      }
    }
  });
}

/** Fields with a bound: lengths with RFC vector bounds, and integers with `valid:` ranges. */
function boundedFields(t: TypeIR): { f: FieldIR; min: number; max: number; ceiling: number }[] {
  return t.fields.flatMap((f) => {
    if (f.value.kind !== 'uint' || f.bits) return [];
    const ceiling = 2 ** (8 * f.value.width) - 1;
    const min = f.role.kind === 'length' ? f.role.min : (f.valid?.min ?? 0);
    const max = f.role.kind === 'length' ? f.role.max : (f.valid?.max ?? ceiling);
    return min > 0 || max < ceiling ? [{ f, min, max, ceiling }] : [];
  });
}

function sampleWith(t: TypeIR, pred: (v: Record<string, unknown>) => boolean): Record<string, unknown> {
  const codec = codecOf(t);
  const arb = arbitraryOf(t.id).filter(
    (v) => validateWithParams(t, codec, v) === undefined && pred(v as Record<string, unknown>),
  );
  return fc.sample(arb, { numRuns: 1, seed: 8446 })[0] as Record<string, unknown>;
}

/**
 * A value of the field `of` whose encoding is `below` the bound (empty) or
 * above it (`bytes` long, or enough copies of one element to pass it).
 */
function violating(
  t: TypeIR,
  value: Record<string, unknown>,
  of: FieldIR,
  direction: 'below' | 'above',
  bytes: number,
): unknown {
  if (of.value.kind === 'bytes') return new Uint8Array(direction === 'below' ? 0 : bytes);
  let typeId: string | undefined;
  if (of.value.kind === 'struct') typeId = of.value.typeId;
  else if (of.value.kind === 'switch') {
    // The value's own variant decides which structure the field holds.
    const tag = of.value.tag;
    const tagName = t.fields.find((f) => f.id === tag)?.tsName ?? t.instances.find((i) => i.id === tag)!.tsName;
    const c = of.value.cases.find((x) => x.key === value[tagName]);
    if (c?.target.kind === 'struct') typeId = c.target.typeId;
  }
  if (typeId === undefined) return undefined;
  const list = type(typeId).listOf;
  if (!list) return undefined;
  if (direction === 'below') return [];
  if (list.kind === 'uint') return new Array<number>(Math.ceil(bytes / list.width)).fill(0);
  if (list.kind !== 'struct') return undefined;
  const et = type(list.typeId);
  const codec = codecOf(et);
  const elem = fc.sample(
    arbitraryOf(et.id).filter((v) => validateWithParams(et, codec, v) === undefined),
    { numRuns: 1, seed: 1 },
  )[0];
  const size = codec.size(elem);
  return size === 0 ? undefined : new Array<unknown>(Math.ceil(bytes / size)).fill(elem);
}

for (const t of codecTypes) {
  const bounded = boundedFields(t);
  if (bounded.length === 0) continue;
  const codec = codecOf(t);

  test(`${t.tsName}: values outside a valid rule or RFC bound fail to encode and to decode`, (tt) => {
    for (const { f, min, max, ceiling } of bounded) {
      const target =
        f.role.kind === 'length' ? t.fields.find((x) => x.id === (f.role.kind === 'length' ? f.role.of : ''))! : f;
      const value = sampleWith(t, (v) => v[target.tsName] !== undefined);
      const outside = [min > 0 ? min - 1 : undefined, max < ceiling ? max + 1 : undefined].filter(
        (x): x is number => x !== undefined,
      );
      for (const n of outside) {
        // Encode side: give the field (or the vector the length measures) a size outside the bound.
        if (f.role.kind === 'length') {
          const bad = violating(t, value, target, n < min ? 'below' : 'above', n);
          tt.not(bad, undefined, `no way to build a ${target.id} outside its bound`);
          if (bad !== undefined) {
            const e = validateWithParams(t, codec, { ...value, [target.tsName]: bad });
            tt.true(e instanceof EncodeError, `${t.tsName}.${target.id} of ${n} bytes must not encode`);
            tt.regex(e?.path ?? '', new RegExp(`\\.${target.id}$`));
          }
        } else {
          const e = validateWithParams(t, codec, { ...value, [f.tsName]: n });
          tt.true(e instanceof EncodeError, `${t.tsName}.${f.id} = ${n} must not encode`);
        }
        // Decode side: write the out-of-bound number into a valid encoding where Kaitai says the field is.
        const bytes = encodeWithParams(t, codec, value);
        const params = paramsFor(t, value);
        const span = spansOf(t, bytes, params).find((s) => s.path === f.id);
        if (!span) return void tt.fail(`Kaitai found no ${f.id} in a ${t.tsName}`);
        const bad = bytes.slice();
        for (let i = 0, x = n; i < span.end - span.start; i++, x = Math.floor(x / 256)) bad[span.end - 1 - i] = x % 256;
        const e = tt.throws(
          () => codec.decode(bad, ...params),
          { instanceOf: DecodeError },
          `${t.tsName}.${f.id} = ${n}`,
        );
        tt.is(e?.path, `${t.tsName}.${f.id}`);
        tt.regex(e?.reason ?? '', /minimum|maximum/);
      }
    }
  });
}

test('DtlsCiphertextHeader: fixed bits other than 001 fail to decode', (tt) => {
  const t = type('dtls_ciphertext_header');
  for (let first = 0; first < 256; first++) {
    const bytes = Uint8Array.of(first & ~0x10, 0, 0, 0, 0); // no CID: the header is 2..5 bytes
    const decode = (): unknown =>
      codecOf(t).decode(bytes.subarray(0, 1 + (first & 0x08 ? 2 : 1) + (first & 0x04 ? 2 : 0)), 0);
    if ((first & 0xe0) === 0x20) tt.notThrows(decode);
    else tt.is(tt.throws(decode, { instanceOf: DecodeError })?.path, 'DtlsCiphertextHeader.fixed_bits');
  }
});

test('encoders reject integers that do not fit their field', (tt) => {
  const cv = codecOf(type('certificate_verify'));
  tt.regex(
    cv.validate({ algorithm: 0x10000, signature: new Uint8Array() })?.message ?? '',
    /CertificateVerify\.algorithm: 65536 is not an unsigned 16-bit/,
  );
  const hdr = codecOf(type('dtls_ciphertext_header'));
  const base = {
    sequenceNumber16bit: false,
    epochLowBits: 1,
    connectionId: undefined,
    sequenceNumber: 7,
    length: undefined,
  };
  tt.is(hdr.validate(base, 0), undefined);
  tt.regex(
    hdr.validate({ ...base, sequenceNumber: 256 }, 0)?.message ?? '',
    /sequence_number: 256 is not an unsigned 8-bit/,
  );
  tt.regex(hdr.validate({ ...base, epochLowBits: 4 }, 0)?.message ?? '', /epoch_low_bits: 4 does not fit 2 bits/);
  const pt = codecOf(type('dtls_plaintext'));
  const rec = {
    type: 'handshake',
    legacyRecordVersion: 'dtls1_2',
    epoch: 0,
    sequenceNumber: 2 ** 48,
    fragment: new Uint8Array(1),
  };
  tt.regex(pt.validate(rec)?.message ?? '', /sequence_number: .* is not an unsigned 48-bit/);
  tt.regex(pt.validate({ ...rec, sequenceNumber: 1.5 })?.message ?? '', /sequence_number/);
  tt.is(pt.validate({ ...rec, sequenceNumber: 2 ** 48 - 1 }), undefined);
});
