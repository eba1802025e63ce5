/**
 * The generator's intermediate representation of spec/wire: what each
 * structure holds and how each field is framed, with the bookkeeping fields
 * (lengths, presence flags, constants, halves of wide integers) resolved so
 * the emitters never re-read the KSY.
 */

export type UintWidth = 1 | 2 | 3 | 4;

/** An IANA registry from enums.ksy. */
export interface EnumIR {
  readonly id: string;
  /** The spec file that defines it. */
  readonly file: string;
  /** Name of the `as const` object and of the open enum type (`CipherSuite`). */
  readonly tsName: string;
  readonly doc?: string;
  readonly members: readonly { readonly name: string; readonly value: number }[];
}

/** What one field (or list element, or switch case) holds on the wire. */
export type ScalarIR =
  { readonly kind: 'uint'; readonly width: UintWidth; readonly enumId?: string } | { readonly kind: 'bool' };

export type ValueIR =
  | ScalarIR
  | { readonly kind: 'bytes' }
  | { readonly kind: 'struct'; readonly typeId: string }
  | { readonly kind: 'switch'; readonly tag: string; readonly cases: readonly CaseIR[]; readonly union: boolean };

export interface CaseIR {
  /** Enum member name, `true`/`false` for a boolean tag. */
  readonly key: string | boolean;
  readonly target: ScalarIR | { readonly kind: 'struct'; readonly typeId: string };
}

/** How many bytes a field spans. */
export type SizeIR =
  | { readonly kind: 'natural' }
  | { readonly kind: 'fixed'; readonly n: number }
  | { readonly kind: 'field'; readonly field: string }
  | { readonly kind: 'param'; readonly param: string }
  | { readonly kind: 'eos' };

/** Why a field exists: `value` fields are in the TypeScript value; the others are derived. */
export type RoleIR =
  | { readonly kind: 'value' }
  | {
      readonly kind: 'length';
      readonly of: string;
      readonly min: number;
      readonly max: number;
      readonly maxExpr?: BoundExprIR;
    }
  | { readonly kind: 'presence'; readonly of: string }
  | { readonly kind: 'constant'; readonly value: number }
  | { readonly kind: 'part'; readonly of: string };

/** Position of a field inside a run of bit fields that fills whole bytes. */
export interface BitsIR {
  readonly group: number;
  readonly bits: number;
  /** Right shift that brings the field to bit 0 of the group's integer. */
  readonly shift: number;
  /** Bytes in the whole group (set on every member). */
  readonly groupBytes: UintWidth;
  readonly first: boolean;
}

/** A bound computed from earlier fields: `length - fragment_offset` is [{sign: 1, field: 'length'}, {sign: -1, field: 'fragment_offset'}]. */
export interface BoundExprIR {
  readonly text: string;
  readonly terms: readonly { readonly sign: 1 | -1; readonly field?: string; readonly constant?: number }[];
}

export interface ValidIR {
  readonly min?: number;
  readonly max?: number;
  /** An upper bound that depends on earlier fields, checked besides `max`. */
  readonly maxExpr?: BoundExprIR;
  readonly anyOf?: readonly number[];
}

export interface FieldIR {
  readonly id: string;
  readonly tsName: string;
  readonly doc?: string;
  readonly value: ValueIR;
  readonly size: SizeIR;
  readonly bits?: BitsIR;
  /** Id of the flag (a presence field or a parameter) that must be set for the field to be on the wire. */
  readonly cond?: string;
  readonly valid?: ValidIR;
  readonly role: RoleIR;
}

export interface ParamIR {
  readonly id: string;
  readonly tsName: string;
  readonly doc?: string;
  readonly scalar: ScalarIR;
}

export type InstanceIR =
  | {
      readonly kind: 'combine';
      readonly id: string;
      readonly tsName: string;
      readonly doc?: string;
      readonly hi: string;
      readonly lo: string;
      readonly loBits: number;
      readonly bigint: boolean;
    }
  | {
      readonly kind: 'bytes-equal';
      readonly id: string;
      readonly tsName: string;
      readonly doc?: string;
      readonly field: string;
      readonly constant: readonly number[];
    };

export interface TypeIR {
  readonly id: string;
  readonly tsName: string;
  readonly file: string;
  readonly doc?: string;
  readonly docRef?: string;
  readonly params: readonly ParamIR[];
  readonly fields: readonly FieldIR[];
  readonly instances: readonly InstanceIR[];
  /** Set for a list type (a single `entries` field with `repeat: eos`): it becomes a plain array. */
  readonly listOf?: ScalarIR | { readonly kind: 'struct'; readonly typeId: string };
  /** A top-level type with no fields that only holds nested types: nothing is emitted for it. */
  readonly namespaceOnly: boolean;
}

export interface FileIR {
  readonly id: string;
  readonly path: string;
  readonly title?: string;
  readonly types: readonly TypeIR[];
  readonly enums: readonly EnumIR[];
}

export interface SpecIR {
  readonly files: readonly FileIR[];
  readonly types: ReadonlyMap<string, TypeIR>;
  readonly enums: ReadonlyMap<string, EnumIR>;
}
