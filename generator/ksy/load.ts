import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { SchemaError } from '../schema-error.js';

/** One .ksy file as read from spec/wire. */
export interface KsyFile {
  /** The file name without `.ksy`; equal to its `meta/id`. */
  readonly id: string;
  /** Path relative to the project root, for messages and headers. */
  readonly path: string;
  /** The parsed YAML document. */
  readonly doc: KsyType;
}

/** The subset of the KSY object model the generator reads (the rest passes through to kaitai-struct-compiler). */
export interface KsyType {
  readonly meta?: {
    readonly id?: string;
    readonly title?: string;
    readonly imports?: readonly string[];
    readonly endian?: string;
  };
  readonly doc?: string;
  readonly 'doc-ref'?: string;
  readonly params?: readonly KsyParam[];
  readonly seq?: readonly KsyAttr[];
  readonly instances?: Readonly<Record<string, KsyInstance>>;
  readonly types?: Readonly<Record<string, KsyType>>;
  readonly enums?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

export interface KsyParam {
  readonly id: string;
  readonly type: string;
  readonly doc?: string;
}

export interface KsySwitch {
  readonly 'switch-on': string;
  readonly cases: Readonly<Record<string, string>>;
}

export type KsyValid =
  | number
  | boolean
  | {
      readonly min?: number | string;
      readonly max?: number | string;
      readonly eq?: number;
      readonly 'any-of'?: readonly number[];
    };

export interface KsyAttr {
  readonly id: string;
  readonly type?: string | KsySwitch;
  readonly size?: number | string;
  readonly 'size-eos'?: boolean;
  readonly repeat?: string;
  readonly if?: string;
  readonly enum?: string;
  readonly valid?: KsyValid;
  readonly doc?: string;
  readonly [key: string]: unknown;
}

export interface KsyInstance {
  readonly value?: string | number;
  readonly doc?: string;
  readonly '-dtls13'?: { readonly combine?: readonly [string, string] };
  readonly [key: string]: unknown;
}

/** Reads every `*.ksy` of `dir`, sorted by name, checking that each file's name is its meta/id. */
export function loadKsyDir(root: string, dir: string): KsyFile[] {
  const files: KsyFile[] = [];
  for (const name of readdirSync(join(root, dir))
    .filter((n) => n.endsWith('.ksy'))
    .sort()) {
    const path = `${dir}/${name}`;
    let doc: KsyType;
    try {
      doc = parse(readFileSync(join(root, path), 'utf8')) as KsyType;
    } catch (e) {
      throw new SchemaError(path, `not valid YAML: ${(e as Error).message}`);
    }
    const id = name.slice(0, -'.ksy'.length);
    if (doc?.meta?.id !== id)
      throw new SchemaError(path, `meta/id must be '${id}' (the file name), is '${String(doc?.meta?.id)}'`);
    files.push({ id, path, doc });
  }
  return files;
}
