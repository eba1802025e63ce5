import type { KsyAttr, KsyFile, KsyInstance, KsyType, KsyValid } from '../ksy/load.js';
import { SchemaError } from '../schema-error.js';
import type {
  BitsIR,
  BoundExprIR,
  CaseIR,
  EnumIR,
  FieldIR,
  FileIR,
  InstanceIR,
  ParamIR,
  RoleIR,
  ScalarIR,
  SizeIR,
  SpecIR,
  TypeIR,
  UintWidth,
  ValidIR,
  ValueIR,
} from './model.js';
import { camelCase, pascalCase } from './names.js';

const UINT_MAX: Record<UintWidth, number> = { 1: 0xff, 2: 0xffff, 3: 0xffffff, 4: 0xffffffff };

interface TypeSite {
  readonly id: string;
  readonly file: KsyFile;
  readonly ksy: KsyType;
  readonly topLevel: boolean;
}

/** Builds the IR of spec/wire, rejecting anything outside the conventions of spec/wire/README.md. */
export function buildIR(files: readonly KsyFile[]): SpecIR {
  const enums = collectEnums(files);
  const sites = collectTypes(files);
  const types = new Map<string, TypeIR>();
  for (const site of sites.values()) types.set(site.id, new TypeBuilder(site, sites, enums).build());
  for (const e of enums.values()) {
    if (types.has(e.id)) throw new SchemaError('spec/wire', `enum '${e.id}' and a type share a name`);
  }
  const fileIRs: FileIR[] = files.map((f) => ({
    id: f.id,
    path: f.path,
    ...(f.doc.meta?.title === undefined ? {} : { title: f.doc.meta.title }),
    types: [...sites.values()].filter((s) => s.file === f).map((s) => types.get(s.id)!),
    enums: [...enums.values()].filter((e) => e.file === f.id),
  }));
  return { files: fileIRs, types, enums };
}

function collectEnums(files: readonly KsyFile[]): Map<string, EnumIR> {
  const out = new Map<string, EnumIR>();
  for (const f of files) {
    for (const [id, members] of Object.entries(f.doc.enums ?? {})) {
      if (out.has(id)) throw new SchemaError(f.path, `enum '${id}' is defined twice`);
      const list = Object.entries(members).map(([k, name]) => {
        const value = Number(k);
        if (!Number.isInteger(value) || value < 0)
          throw new SchemaError(f.path, `enum ${id}: key '${k}' is not a non-negative integer`);
        if (!/^[a-z][a-z0-9_]*$/.test(String(name)))
          throw new SchemaError(f.path, `enum ${id}: member '${String(name)}' is not a lowercase identifier`);
        return { name: String(name), value };
      });
      out.set(id, { id, file: f.id, tsName: pascalCase(id), members: list.sort((a, b) => a.value - b.value) });
    }
  }
  return out;
}

function collectTypes(files: readonly KsyFile[]): Map<string, TypeSite> {
  const out = new Map<string, TypeSite>();
  const add = (id: string, file: KsyFile, ksy: KsyType, topLevel: boolean): void => {
    if (!/^[a-z][a-z0-9_]*$/.test(id))
      throw new SchemaError(file.path, `type id '${id}' is not a lowercase identifier`);
    const prior = out.get(id);
    if (prior)
      throw new SchemaError(
        file.path,
        `type id '${id}' is also defined in ${prior.file.path}: type ids must be unique across spec/wire`,
      );
    out.set(id, { id, file, ksy, topLevel });
    for (const [nid, nested] of Object.entries(ksy.types ?? {})) add(nid, file, nested, false);
  };
  for (const f of files) add(f.id, f, f.doc, true);
  return out;
}

/** Parses a bound expression of earlier fields and integers joined by + and - (`length - fragment_offset`). */
function parseBoundExpr(text: string, earlier: ReadonlySet<string>, fail: (m: string) => SchemaError): BoundExprIR {
  const tokens = text.trim().split(/\s+/);
  const terms: { sign: 1 | -1; field?: string; constant?: number }[] = [];
  let sign: 1 | -1 = 1;
  tokens.forEach((tok, i) => {
    if (i % 2 === 1) {
      if (tok !== '+' && tok !== '-') throw fail(`bound '${text}': expected + or -, found '${tok}'`);
      sign = tok === '+' ? 1 : -1;
      return;
    }
    if (/^\d+$/.test(tok)) terms.push({ sign, constant: Number(tok) });
    else if (earlier.has(tok)) terms.push({ sign, field: tok });
    else throw fail(`bound '${text}': '${tok}' is not an earlier field or an integer`);
  });
  if (tokens.length % 2 === 0) throw fail(`bound '${text}' ends with an operator`);
  return { text: text.trim(), terms };
}

function parseValid(
  v: KsyValid | undefined,
  earlier: ReadonlySet<string>,
  fail: (m: string) => SchemaError,
): { constant?: number; valid?: ValidIR } {
  if (v === undefined) return {};
  if (typeof v === 'number') return { constant: v };
  if (typeof v === 'boolean') throw fail('a boolean valid is not supported');
  if (v.eq !== undefined) return { constant: v.eq };
  const valid: { min?: number; max?: number; maxExpr?: BoundExprIR; anyOf?: readonly number[] } = {};
  if (v.min !== undefined) {
    if (typeof v.min !== 'number') throw fail('valid/min must be a number');
    valid.min = v.min;
  }
  if (typeof v.max === 'number') valid.max = v.max;
  else if (typeof v.max === 'string') valid.maxExpr = parseBoundExpr(v.max, earlier, fail);
  if (v['any-of'] !== undefined) valid.anyOf = v['any-of'];
  return { valid };
}

/** Builds one TypeIR; keeps the per-type lookups in one place. */
class TypeBuilder {
  private readonly path: string;
  private readonly site: TypeSite;
  private readonly sites: ReadonlyMap<string, TypeSite>;
  private readonly enums: ReadonlyMap<string, EnumIR>;

  constructor(site: TypeSite, sites: ReadonlyMap<string, TypeSite>, enums: ReadonlyMap<string, EnumIR>) {
    this.site = site;
    this.sites = sites;
    this.enums = enums;
    this.path = site.file.path;
  }

  private fail(message: string): SchemaError {
    return new SchemaError(this.path, `type '${this.site.id}': ${message}`);
  }

  build(): TypeIR {
    const k = this.site.ksy;
    const seq = k.seq ?? [];
    const params = (k.params ?? []).map((p): ParamIR => ({
      id: p.id,
      tsName: camelCase(p.id),
      ...(p.doc === undefined ? {} : { doc: p.doc.trim() }),
      scalar: this.scalarOf(p.type, undefined, `param '${p.id}'`),
    }));
    const base = {
      id: this.site.id,
      tsName: pascalCase(this.site.id),
      file: this.site.file.id,
      ...(k.doc === undefined ? {} : { doc: k.doc.trim() }),
      ...(k['doc-ref'] === undefined ? {} : { docRef: String(k['doc-ref']) }),
      params,
    };
    const namespaceOnly = this.site.topLevel && seq.length === 0 && Object.keys({ ...k.types, ...k.enums }).length > 0;
    const repeated = seq.filter((a) => a.repeat !== undefined);
    if (repeated.length > 0) {
      const a = seq[0]!;
      if (seq.length !== 1 || a.id !== 'entries' || a.repeat !== 'eos' || k.instances !== undefined) {
        throw this.fail("'repeat' is only allowed as 'repeat: eos' on the single field 'entries' of a list type");
      }
      const t = a.type;
      if (typeof t !== 'string') throw this.fail("list entries can't be a switch");
      const listOf = /^u[124]$/.test(t)
        ? this.scalarOf(t, a.enum, 'entries')
        : { kind: 'struct' as const, typeId: this.resolveType(t) };
      return { ...base, fields: [], instances: [], listOf, namespaceOnly: false };
    }
    const instances = Object.entries(k.instances ?? {}).map(([id, inst]) => this.instance(id, inst, seq));
    const fields = this.fields(seq, params, instances);
    return { ...base, fields, instances, namespaceOnly };
  }

  private enumOf(ref: string | undefined, what: string): string | undefined {
    if (ref === undefined) return undefined;
    const id = ref.includes('::') ? ref.split('::').pop()! : ref;
    if (!this.enums.has(id)) throw this.fail(`${what}: unknown enum '${ref}'`);
    return id;
  }

  private scalarOf(type: string, enumRef: string | undefined, what: string): ScalarIR {
    const m = /^u([124])$/.exec(type);
    if (m) {
      const enumId = this.enumOf(enumRef, what);
      return { kind: 'uint', width: Number(m[1]) as UintWidth, ...(enumId === undefined ? {} : { enumId }) };
    }
    if (type === 'bool') return { kind: 'bool' };
    throw this.fail(`${what}: unsupported scalar type '${type}' (use u1, u2, u4, bN)`);
  }

  private resolveType(ref: string): string {
    const parts = ref.split('::');
    const imports = this.site.file.doc.meta?.imports ?? [];
    if (parts.length === 2) {
      const [fileId, typeId] = parts as [string, string];
      const s = this.sites.get(typeId);
      if (!s || s.file.id !== fileId) throw this.fail(`unknown type '${ref}'`);
      if (fileId !== this.site.file.id && !imports.includes(fileId))
        throw this.fail(`'${ref}' needs '${fileId}' in meta/imports`);
      return typeId;
    }
    const s = this.sites.get(ref);
    if (!s) throw this.fail(`unknown type '${ref}'`);
    if (s.file !== this.site.file) {
      if (!s.topLevel) throw this.fail(`'${ref}' is nested in ${s.file.path}: write '${s.file.id}::${ref}'`);
      if (!imports.includes(s.file.id)) throw this.fail(`'${ref}' needs '${s.file.id}' in meta/imports`);
    }
    return ref;
  }

  private instance(id: string, inst: KsyInstance, seq: readonly KsyAttr[]): InstanceIR {
    const common = { id, tsName: camelCase(id), ...(inst.doc === undefined ? {} : { doc: inst.doc.trim() }) };
    const extra = Object.keys(inst).filter((key) => !['value', 'doc', '-dtls13'].includes(key));
    if (extra.length > 0)
      throw this.fail(`instance '${id}': only value instances are supported (found ${extra.join(', ')})`);
    const gen = inst['-dtls13'];
    if (gen !== undefined) {
      const keys = Object.keys(gen);
      if (keys.length !== 1 || !Array.isArray(gen.combine) || gen.combine.length !== 2) {
        throw this.fail(`instance '${id}': -dtls13 takes exactly 'combine: [hi, lo]'`);
      }
      const [hi, lo] = gen.combine;
      const width = (f: string): number => {
        const a = seq.find((x) => x.id === f);
        const m = typeof a?.type === 'string' ? /^u([124])$/.exec(a.type) : null;
        if (!m) throw this.fail(`instance '${id}': combine part '${f}' must be a u1/u2/u4 seq field`);
        return Number(m[1]) * 8;
      };
      const hiBits = width(hi);
      const loBits = width(lo);
      const expected = `${hi} * ${2 ** loBits} + ${lo}`;
      if (String(inst.value).replace(/\s+/g, ' ').trim() !== expected) {
        throw this.fail(`instance '${id}': value must be '${expected}' to match -dtls13 combine`);
      }
      return { kind: 'combine', ...common, hi, lo, loBits, bigint: hiBits + loBits > 53 };
    }
    const m = /^(\w+)\s*==\s*\[([^\]]*)\]$/.exec(String(inst.value).trim());
    if (!m)
      throw this.fail(
        `instance '${id}': unsupported value expression '${String(inst.value)}' (supported: field == [bytes], or -dtls13 combine)`,
      );
    const field = m[1]!;
    const constant = m[2]!.split(',').map((x) => Number(x.trim()));
    const a = seq.find((x) => x.id === field);
    if (!a || a.size !== constant.length || a.type !== undefined) {
      throw this.fail(`instance '${id}': '${field}' must be a fixed-size opaque field of ${constant.length} bytes`);
    }
    if (constant.some((b) => !Number.isInteger(b) || b < 0 || b > 255))
      throw this.fail(`instance '${id}': bad byte in constant`);
    return { kind: 'bytes-equal', ...common, field, constant };
  }

  private fields(seq: readonly KsyAttr[], params: readonly ParamIR[], instances: readonly InstanceIR[]): FieldIR[] {
    const ids = new Set<string>();
    const uses = new Map<string, string[]>();
    const use = (id: string, how: string): void => {
      uses.set(id, [...(uses.get(id) ?? []), how]);
    };
    for (const inst of instances) {
      if (inst.kind === 'combine') {
        use(inst.hi, `part:${inst.id}`);
        use(inst.lo, `part:${inst.id}`);
      } else use(inst.field, `instance:${inst.id}`);
    }
    const drafts = seq.map((a) => {
      if (!/^[a-z][a-z0-9_]*$/.test(a.id)) throw this.fail(`field id '${a.id}' is not a lowercase identifier`);
      if (ids.has(a.id)) throw this.fail(`field '${a.id}' is defined twice`);
      const draft = this.field(a, ids, params, instances);
      ids.add(a.id);
      if (draft.size.kind === 'field') use(draft.size.field, `size:${a.id}`);
      if (draft.cond !== undefined) use(draft.cond, `if:${a.id}`);
      if (draft.value.kind === 'switch') use(draft.value.tag, `switch:${a.id}`);
      return draft;
    });
    const bits = this.bitGroups(seq);
    return drafts.map((d, i) => {
      const u = uses.get(d.id) ?? [];
      const role = this.role(d, u, seq[i]!);
      const b = bits[i];
      return { ...d, role, ...(b === undefined ? {} : { bits: b }) };
    });
  }

  private role(d: FieldDraft, u: readonly string[], a: KsyAttr): RoleIR {
    if (d.constant !== undefined) {
      if (u.length > 0) throw this.fail(`constant field '${d.id}' can't be referenced`);
      return { kind: 'constant', value: d.constant };
    }
    if (u.length === 0) return { kind: 'value' };
    if (u.every((x) => x.startsWith('part:'))) {
      if (d.cond !== undefined) throw this.fail(`'${d.id}' is part of a wider integer and can't be conditional`);
      return { kind: 'part', of: u[0]!.slice('part:'.length) };
    }
    if (u.length === 1 && u[0]!.startsWith('size:') && d.value.kind === 'uint' && d.value.enumId === undefined) {
      const width = d.value.width;
      const valid = d.valid ?? {};
      if (valid.anyOf !== undefined) throw this.fail(`length '${d.id}' can't have any-of`);
      if (valid.max !== undefined && valid.max > UINT_MAX[width])
        throw this.fail(`length '${d.id}': valid max ${valid.max} does not fit its ${width * 8}-bit field`);
      return {
        kind: 'length',
        of: u[0]!.slice('size:'.length),
        min: valid.min ?? 0,
        max: valid.max ?? UINT_MAX[width],
        ...(valid.maxExpr === undefined ? {} : { maxExpr: valid.maxExpr }),
      };
    }
    if (u.length === 1 && u[0]!.startsWith('if:') && d.value.kind === 'bool') {
      return { kind: 'presence', of: u[0]!.slice('if:'.length) };
    }
    if (u.every((x) => x.startsWith('switch:') || x.startsWith('instance:'))) return { kind: 'value' };
    throw this.fail(
      `field '${a.id}' is used as ${u.join(', ')}: a field may size one field, flag one field, or tag switches`,
    );
  }

  private bitGroups(seq: readonly KsyAttr[]): (BitsIR | undefined)[] {
    const out: (BitsIR | undefined)[] = seq.map(() => undefined);
    let group = 0;
    for (let i = 0; i < seq.length;) {
      const n = bitCount(seq[i]!);
      if (n === undefined) {
        i++;
        continue;
      }
      let j = i;
      let total = 0;
      // A run ends at a byte boundary before a whole-byte field (b24 after b24 starts afresh).
      while (j < seq.length && bitCount(seq[j]!) !== undefined) {
        if (total > 0 && total % 8 === 0 && bitCount(seq[j]!)! % 8 === 0) break;
        total += bitCount(seq[j++]!)!;
      }
      if (total % 8 !== 0 || total > 32)
        throw this.fail(
          `bit fields ${seq[i]!.id}..${seq[j - 1]!.id} take ${total} bits: a run must fill 1 to 4 whole bytes`,
        );
      if (j - i > 1) {
        let shift = total;
        for (let k = i; k < j; k++) {
          const bits = bitCount(seq[k]!)!;
          shift -= bits;
          out[k] = { group, bits, shift, groupBytes: (total / 8) as UintWidth, first: k === i };
        }
        group++;
      }
      i = j;
    }
    return out;
  }

  private field(
    a: KsyAttr,
    earlier: ReadonlySet<string>,
    params: readonly ParamIR[],
    instances: readonly InstanceIR[],
  ): FieldDraft {
    const allowed = new Set(['id', 'type', 'size', 'size-eos', 'if', 'enum', 'valid', 'doc', 'doc-ref']);
    const unknown = Object.keys(a).filter((key) => !allowed.has(key));
    if (unknown.length > 0) throw this.fail(`field '${a.id}': unsupported key(s) ${unknown.join(', ')}`);
    const isParam = (id: string): boolean => params.some((p) => p.id === id);
    const what = `field '${a.id}'`;
    let size: SizeIR = { kind: 'natural' };
    if (a['size-eos'] === true) size = { kind: 'eos' };
    else if (typeof a.size === 'number') size = { kind: 'fixed', n: a.size };
    else if (typeof a.size === 'string') {
      if (earlier.has(a.size)) size = { kind: 'field', field: a.size };
      else if (isParam(a.size)) size = { kind: 'param', param: a.size };
      else throw this.fail(`${what}: size '${a.size}' must name an earlier field or a parameter`);
    }
    let cond: string | undefined;
    if (a.if !== undefined) {
      if (!earlier.has(a.if) && !isParam(a.if))
        throw this.fail(`${what}: if '${a.if}' must name an earlier b1 field or a parameter`);
      cond = a.if;
    }
    const { constant, valid } = parseValid(a.valid, earlier, (m) => this.fail(`${what}: ${m}`));
    const value = this.valueOf(a, size, earlier, instances);
    if (value.kind === 'bytes' && size.kind === 'natural')
      throw this.fail(`${what}: opaque data needs size or size-eos`);
    return {
      id: a.id,
      tsName: camelCase(a.id),
      ...(a.doc === undefined ? {} : { doc: a.doc.trim() }),
      value,
      size,
      ...(cond === undefined ? {} : { cond }),
      ...(valid === undefined ? {} : { valid }),
      ...(constant === undefined ? {} : { constant }),
    };
  }

  private valueOf(a: KsyAttr, size: SizeIR, earlier: ReadonlySet<string>, instances: readonly InstanceIR[]): ValueIR {
    const what = `field '${a.id}'`;
    const t = a.type;
    if (t === undefined) return { kind: 'bytes' };
    if (typeof t === 'string') {
      const bits = /^b(\d+)$/.exec(t);
      if (bits) {
        const n = Number(bits[1]);
        if (n === 1) return { kind: 'bool' };
        const enumId = this.enumOf(a.enum, what);
        return { kind: 'uint', width: Math.ceil(n / 8) as UintWidth, ...(enumId === undefined ? {} : { enumId }) };
      }
      if (/^u[124]$/.test(t)) return this.scalarOf(t, a.enum, what);
      if (a.enum !== undefined) throw this.fail(`${what}: enum on a non-integer`);
      return { kind: 'struct', typeId: this.resolveType(t) };
    }
    const tag = t['switch-on'];
    const tagIsInstance = instances.some((x) => x.id === tag && x.kind === 'bytes-equal');
    if (!earlier.has(tag) && !tagIsInstance)
      throw this.fail(`${what}: switch-on '${tag}' must name an earlier field or a boolean instance`);
    const tagAttr = (this.site.ksy.seq ?? []).find((x) => x.id === tag);
    const tagEnum = tagAttr?.enum === undefined ? undefined : this.enumOf(tagAttr.enum, what);
    const cases: CaseIR[] = Object.entries(t.cases).map(([key, target]): CaseIR => {
      let k: string | boolean;
      if (key === 'true' || key === 'false') k = key === 'true';
      else {
        const m = /^(?:\w+::)?(\w+)::(\w+)$/.exec(key);
        const e = tagEnum === undefined ? undefined : this.enums.get(tagEnum);
        if (!m || m[1] !== tagEnum || !e?.members.some((x) => x.name === m[2])) {
          throw this.fail(`${what}: case '${key}' must be a member of the tag's enum '${String(tagEnum)}'`);
        }
        k = m[2]!;
      }
      const tgt = /^u[124]$/.test(target)
        ? this.scalarOf(target, undefined, what)
        : { kind: 'struct' as const, typeId: this.resolveType(target) };
      return { key: k, target: tgt };
    });
    const union = cases.some((c) => c.target.kind === 'struct');
    if (union && cases.some((c) => c.target.kind !== 'struct'))
      throw this.fail(`${what}: switch cases mix structures and integers`);
    const boolCovered = cases.length === 2 && cases.every((c) => typeof c.key === 'boolean');
    if (size.kind === 'natural' && !boolCovered)
      throw this.fail(`${what}: a switch without size must cover every tag value`);
    return { kind: 'switch', tag, cases, union };
  }
}

interface FieldDraft {
  readonly id: string;
  readonly tsName: string;
  readonly doc?: string;
  readonly value: ValueIR;
  readonly size: SizeIR;
  readonly cond?: string;
  readonly valid?: ValidIR;
  readonly constant?: number;
}

function bitCount(a: KsyAttr): number | undefined {
  const m = typeof a.type === 'string' ? /^b(\d+)$/.exec(a.type) : null;
  return m ? Number(m[1]) : undefined;
}
