import { camelCase, pascalCase } from '../ir/names.js';
import type { HwModuleIR, HwParamIR, HwSocketIR, ParamKind, SocketProtocol, SocketRole } from './model.js';
import { parseParamValue } from './units.js';
import { at, YamlReader, type YamlMap } from './yaml-reader.js';

const ROLES: readonly SocketRole[] = ['initiator', 'target'];
const PROTOCOLS: readonly SocketProtocol[] = ['blocking', 'non_blocking', 'both'];
const KINDS: readonly ParamKind[] = ['time', 'bandwidth', 'size', 'count', 'ratio', 'number', 'flag'];
/** Most bindings a multi-socket may have (each is emitted as its own socket object). */
export const MAX_MULTI = 64;

/**
 * Members of the skeleton (and of Module) a socket field must not shadow;
 * the hwmodel Module's own members are added by the caller's list.
 */
const RESERVED = new Set(['params', 'sim', 'name', 'fullName', 'parent', 'constructor', 'children', 'kind']);

function socket(r: YamlReader, x: unknown, path: string): HwSocketIR {
  const m = r.map(x, path, ['name', 'role', 'protocol', 'description'], ['multi']);
  const id = r.name(m, 'name', path);
  const tsName = camelCase(id);
  if (RESERVED.has(tsName))
    throw r.fail(
      at(path, 'name'),
      'bad_name',
      `'${id}' is reserved (a member of every module: ${[...RESERVED].join(', ')})`,
    );
  const multi = m.multi;
  if (
    multi !== undefined &&
    (typeof multi !== 'number' || !Number.isInteger(multi) || multi < 1 || multi > MAX_MULTI)
  ) {
    throw r.fail(
      at(path, 'multi'),
      'bad_value',
      `multi is a binding count, an integer in 1..${MAX_MULTI}, got ${JSON.stringify(multi)}`,
    );
  }
  return {
    id,
    tsName,
    role: r.oneOf(m, 'role', path, ROLES),
    protocol: r.oneOf(m, 'protocol', path, PROTOCOLS),
    ...(multi === undefined ? {} : { multi }),
    description: r.text(m, 'description', path),
    yamlPath: path,
  };
}

function bound(r: YamlReader, m: YamlMap, key: 'min' | 'max', kind: ParamKind, path: string): number | undefined {
  if (m[key] === undefined) return undefined;
  if (kind === 'flag') throw r.fail(at(path, key), 'bad_value', `a flag has no ${key}`);
  const v = parseParamValue(kind, m[key]);
  if (!v.ok) throw r.fail(at(path, key), v.problem, v.reason);
  return v.value as number;
}

function param(r: YamlReader, x: unknown, path: string): HwParamIR {
  const m = r.map(x, path, ['name', 'type', 'default', 'description'], ['min', 'max']);
  const id = r.name(m, 'name', path);
  const kind = r.oneOf(m, 'type', path, KINDS);
  const parsed = parseParamValue(kind, m.default);
  if (!parsed.ok) throw r.fail(at(path, 'default'), parsed.problem, parsed.reason);
  const min = bound(r, m, 'min', kind, path);
  const max = bound(r, m, 'max', kind, path);
  if (min !== undefined && max !== undefined && min > max)
    throw r.fail(at(path, 'min'), 'bad_value', `min ${String(m.min)} exceeds max ${String(m.max)}`);
  const value = parsed.value;
  if (typeof value === 'number' && ((min !== undefined && value < min) || (max !== undefined && value > max))) {
    throw r.fail(
      at(path, 'default'),
      'bad_value',
      `default ${String(m.default)} is outside ${String(m.min ?? '')}..${String(m.max ?? '')}`,
    );
  }
  return {
    id,
    tsName: camelCase(id),
    kind,
    value,
    written: String(m.default),
    ...(min === undefined ? {} : { min }),
    ...(max === undefined ? {} : { max }),
    description: r.text(m, 'description', path),
  };
}

/** Names must be unique, also once camelCased (`a_1` and `a1` would be one field). */
function unique<T extends { readonly id: string; readonly tsName: string }>(
  r: YamlReader,
  items: readonly T[],
  list: string,
  what: string,
): void {
  const seen = new Map<string, number>();
  items.forEach((item, i) => {
    const first = seen.get(item.tsName);
    if (first !== undefined)
      throw r.fail(`${list}[${i}].name`, 'duplicate', `${what} '${item.id}' is already declared at ${list}[${first}]`);
    seen.set(item.tsName, i);
  });
}

/** Reads one module file (`spec/hw/<id>.yaml`, `module: <id>`). */
export function loadModule(root: string, file: string, id: string): HwModuleIR {
  const r = new YamlReader(file);
  const doc = r.map(r.load(root), '', ['module', 'description', 'sockets'], ['parameters']);
  const name = r.name(doc, 'module', '');
  if (name !== id) throw r.fail('module', 'bad_name', `module must be '${id}' (the file name), is '${name}'`);
  const sockets = r.list(doc, 'sockets', '').map((s, i) => socket(r, s, `sockets[${i}]`));
  const params = r.list(doc, 'parameters', '', true).map((p, i) => param(r, p, `parameters[${i}]`));
  unique(r, sockets, 'sockets', 'socket');
  unique(r, params, 'parameters', 'parameter');
  return {
    id,
    path: file,
    tsName: camelCase(id),
    tsBase: pascalCase(id),
    description: r.text(doc, 'description', ''),
    sockets,
    params,
  };
}
