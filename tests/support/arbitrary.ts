import fc from 'fast-check';
import type { FieldIR, ScalarIR, TypeIR } from '../../generator/ir/model.js';
import { ir } from './spec.js';

/**
 * fast-check arbitraries for every structure of spec/wire, derived from the
 * generator's IR: values in the shape the generated types describe, within
 * the schemas' bounds where a bound is per field. Bounds on a whole vector's
 * byte length are left to the caller (filter on `validate…`).
 */

type Arb = fc.Arbitrary<unknown>;
const cache = new Map<string, Arb>();

const WIDTH_MAX = [0, 0xff, 0xffff, 0xffffff, 0xffffffff] as const;

function enumArb(enumId: string, max: number): Arb {
  const e = ir.enums.get(enumId)!;
  const known = new Set(e.members.map((m) => m.value));
  const unknown = fc.integer({ min: 0, max }).filter((n) => !known.has(n));
  return fc.oneof(
    { arbitrary: fc.constantFrom(...e.members.filter((m) => m.value <= max).map((m) => m.name)), weight: 4 },
    { arbitrary: unknown, weight: 1 },
  );
}

function scalarArb(s: ScalarIR, maxValue?: number, minValue = 0): Arb {
  if (s.kind === 'bool') return fc.boolean();
  const max = maxValue ?? WIDTH_MAX[s.width];
  if (s.enumId !== undefined) return enumArb(s.enumId, max);
  return fc.integer({ min: minValue, max });
}

/** Mostly short byte strings, sometimes long enough (past 255) to exercise multi-byte length prefixes. */
function bytesArb(min: number, max: number): Arb {
  const short = fc.uint8Array({ minLength: min, maxLength: Math.min(max, min + 24) });
  if (max <= min + 24) return short;
  return fc.oneof(
    { arbitrary: short, weight: 5 },
    { arbitrary: fc.uint8Array({ minLength: min, maxLength: Math.min(max, min + 400), size: 'max' }), weight: 1 },
  );
}

/** An arbitrary for a value of the structure (or list) `typeId`. */
export function arbitraryOf(typeId: string): Arb {
  const hit = cache.get(typeId);
  if (hit) return hit;
  const t = ir.types.get(typeId)!;
  // Tie the knot through fc.constant(null).chain so recursive references resolve lazily.
  const arb = fc.constant(null).chain(() => build(t));
  cache.set(typeId, arb);
  return arb;
}

function listArb(t: TypeIR, minBytes: number): Arb {
  const e = t.listOf!;
  const elem = e.kind === 'struct' ? arbitraryOf(e.typeId) : scalarArb(e);
  return fc.array(elem, { minLength: minBytes > 0 ? 1 : 0, maxLength: 4 });
}

function fieldArb(t: TypeIR, f: FieldIR): Arb {
  const v = f.value;
  const len = t.fields.find((x) => x.role.kind === 'length' && x.role.of === f.id);
  const lenRole = len?.role.kind === 'length' ? len.role : undefined;
  switch (v.kind) {
    case 'bool':
      return fc.boolean();
    case 'uint': {
      const max = f.bits ? 2 ** f.bits.bits - 1 : f.valid?.max;
      if (f.valid?.anyOf) return fc.constantFrom(...f.valid.anyOf);
      return scalarArb(v, max, f.valid?.min ?? 0);
    }
    case 'bytes':
      if (f.size.kind === 'fixed') return bytesArb(f.size.n, f.size.n);
      if (lenRole) return bytesArb(lenRole.min, lenRole.max);
      return bytesArb(0, 24);
    case 'struct': {
      const st = ir.types.get(v.typeId)!;
      return st.listOf ? listArb(st, lenRole?.min ?? 0) : arbitraryOf(v.typeId);
    }
    case 'switch':
      throw new Error('switches are built with their tag');
  }
}

function caseArb(target: ScalarIR | { kind: 'struct'; typeId: string }): Arb {
  if (target.kind !== 'struct') return scalarArb(target);
  const st = ir.types.get(target.typeId)!;
  return st.listOf ? listArb(st, 0) : arbitraryOf(target.typeId);
}

function build(t: TypeIR): Arb {
  if (t.listOf) return listArb(t, 0);
  const parts: Record<string, Arb> = {};
  let union: Arb | undefined;
  for (const f of t.fields) {
    if (f.role.kind === 'part') {
      const inst = t.instances.find((i) => i.kind === 'combine' && i.hi === f.id);
      if (inst?.kind === 'combine') {
        const total = (f.value.kind === 'uint' ? f.value.width * 8 : 0) + inst.loBits;
        const big = fc.bigInt({ min: 0n, max: 2n ** BigInt(total) - 1n });
        parts[inst.tsName] = inst.bigint ? big : big.map(Number);
      }
      continue;
    }
    if (f.role.kind !== 'value') continue;
    const v = f.value;
    if (v.kind === 'switch') {
      const tagField = t.fields.find((x) => x.id === v.tag);
      const tagInst = t.instances.find((x) => x.id === v.tag);
      if (!v.union) {
        // A scalar switch on a flag: pick the flag, then a value its width allows.
        const tagName = tagField!.tsName;
        delete parts[tagName];
        union = fc.boolean().chain((flag) => {
          const c = v.cases.find((x) => x.key === flag)!;
          return caseArb(c.target).map((x) => ({ [tagName]: flag, [f.tsName]: x }));
        });
        continue;
      }
      const tagName = tagField?.tsName ?? tagInst!.tsName;
      const variants: Arb[] = v.cases.map((c) => caseArb(c.target).map((x) => ({ [tagName]: c.key, [f.tsName]: x })));
      if (tagField?.value.kind === 'uint' && tagField.value.enumId !== undefined) {
        const covered = new Set(v.cases.map((c) => c.key));
        const other = enumArb(tagField.value.enumId, WIDTH_MAX[tagField.value.width]).filter(
          (k) => !covered.has(k as string),
        );
        variants.push(fc.record({ [tagName]: other, [f.tsName]: bytesArb(0, 16) }));
        delete parts[tagName];
      }
      if (tagInst?.kind === 'bytes-equal') {
        // The tag is computed from another field: generate them together.
        const src = t.fields.find((x) => x.id === tagInst.field)!;
        delete parts[src.tsName];
        union = fc.oneof(
          ...v.cases.map((c) =>
            caseArb(c.target).chain((x) =>
              (c.key === true ? fc.constant(new Uint8Array(tagInst.constant)) : fieldArb(t, src)).map((s) => ({
                [src.tsName]: s,
                [tagName]: c.key,
                [f.tsName]: x,
              })),
            ),
          ),
        );
      } else union = fc.oneof(...variants);
      continue;
    }
    const arb = fieldArb(t, f);
    parts[f.tsName] = f.cond === undefined ? arb : fc.option(arb, { nil: undefined });
  }
  const base = fc.record(parts);
  if (!union) return base;
  return fc.tuple(base, union).map(([a, b]) => ({ ...(a as object), ...(b as object) }));
}
