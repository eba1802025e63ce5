import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { HwSpecError, type HwSpecProblem } from './error.js';

/** A YAML mapping as parsed. */
export type YamlMap = Readonly<Record<string, unknown>>;

const isMap = (x: unknown): x is YamlMap => typeof x === 'object' && x !== null && !Array.isArray(x);

/** snake_case identifiers: module, socket, parameter and architecture names. */
export const NAME = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/;

/** Reads one spec/hw file and checks shapes, every failure an HwSpecError naming the file and YAML path. */
export class YamlReader {
  readonly file: string;

  constructor(file: string) {
    this.file = file;
  }

  fail(path: string, problem: HwSpecProblem, reason: string): HwSpecError {
    return new HwSpecError(this.file, path, problem, reason);
  }

  /** Parses the file under `root`; it must be a mapping. */
  load(root: string): YamlMap {
    let doc: unknown;
    try {
      doc = parse(readFileSync(join(root, this.file), 'utf8'));
    } catch (e) {
      throw this.fail('(file)', 'yaml', `not valid YAML: ${(e as Error).message.split('\n')[0] ?? ''}`);
    }
    if (!isMap(doc)) throw this.fail('(file)', 'shape', 'the file must be a YAML mapping');
    return doc;
  }

  /** `x` as a mapping whose keys are among `required` + `optional`, with every `required` key present. */
  map(x: unknown, path: string, required: readonly string[], optional: readonly string[] = []): YamlMap {
    if (!isMap(x)) throw this.fail(path, 'shape', 'must be a mapping');
    const allowed = new Set([...required, ...optional]);
    for (const k of Object.keys(x)) {
      if (!allowed.has(k))
        throw this.fail(at(path, k), 'unknown_key', `unknown key '${k}' (allowed: ${[...allowed].join(', ')})`);
    }
    for (const k of required) if (x[k] === undefined) throw this.fail(at(path, k), 'missing', `'${k}' is required`);
    return x;
  }

  /** A list (an absent key reads as empty when `optional`). */
  list(m: YamlMap, key: string, path: string, optional = false): readonly unknown[] {
    const x = m[key];
    if (x === undefined && optional) return [];
    if (!Array.isArray(x)) throw this.fail(at(path, key), 'shape', `'${key}' must be a list`);
    return x;
  }

  /** A non-empty string; descriptions are folded to single spaces. */
  text(m: YamlMap, key: string, path: string): string {
    const x = m[key];
    if (typeof x !== 'string' || x.trim() === '')
      throw this.fail(at(path, key), 'bad_value', `'${key}' must be a non-empty string`);
    return x.trim().replace(/\s+/g, ' ');
  }

  /** A snake_case name. */
  name(m: YamlMap, key: string, path: string): string {
    const x = m[key];
    if (typeof x !== 'string' || !NAME.test(x))
      throw this.fail(at(path, key), 'bad_name', `'${String(x)}' is not a snake_case name`);
    return x;
  }

  /** One of `values`. */
  oneOf<T extends string>(m: YamlMap, key: string, path: string, values: readonly T[]): T {
    const x = m[key];
    const found = values.find((v) => v === x);
    if (found === undefined)
      throw this.fail(at(path, key), 'bad_value', `'${String(x)}' is not one of ${values.join(', ')}`);
    return found;
  }
}

/** `path.key`, or `key` at the top. */
export function at(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}
