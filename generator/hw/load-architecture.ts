import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadModule } from './load-module.js';
import {
  endpointText,
  type HwArchitectureIR,
  type HwConnectionIR,
  type HwEndpointIR,
  type HwExternalIR,
  type HwModuleIR,
  type HwSocketIR,
} from './model.js';
import { YamlReader, type YamlMap } from './yaml-reader.js';

/** The file in spec/hw that holds the wiring; every other `.yaml` file there is one module. */
export const ARCHITECTURE_FILE = 'architecture.yaml';

const ENDPOINT = /^([a-z][a-z0-9_]*)\.([a-z][a-z0-9_]*)(?:\[(\d+)\])?$/;

/** Resolves `module.socket[i]` texts against the modules, tracking which socket bindings are taken. */
class Wiring {
  readonly taken = new Map<string, string>();
  private readonly r: YamlReader;
  private readonly modules: ReadonlyMap<string, HwModuleIR>;

  constructor(r: YamlReader, modules: ReadonlyMap<string, HwModuleIR>) {
    this.r = r;
    this.modules = modules;
  }

  /** The endpoint and its socket; `path` names the YAML key for messages. */
  resolve(raw: unknown, path: string): { endpoint: HwEndpointIR; socket: HwSocketIR } {
    const m = typeof raw === 'string' ? ENDPOINT.exec(raw) : null;
    if (!m)
      throw this.r.fail(
        path,
        'bad_value',
        `'${String(raw)}' is not a socket reference: module.socket or module.socket[index]`,
      );
    const [, moduleId = '', socketId = '', index] = m;
    const mod = this.modules.get(moduleId);
    if (!mod)
      throw this.r.fail(
        path,
        'unknown_module',
        `unknown module '${moduleId}' (modules: ${[...this.modules.keys()].join(', ')})`,
      );
    const socket = mod.sockets.find((s) => s.id === socketId);
    if (!socket)
      throw this.r.fail(
        path,
        'unknown_socket',
        `module '${moduleId}' has no socket '${socketId}' (sockets: ${mod.sockets.map((s) => s.id).join(', ') || 'none'})`,
      );
    if (socket.multi === undefined && index !== undefined)
      throw this.r.fail(path, 'bad_index', `'${moduleId}.${socketId}' is not a multi-socket: drop the [${index}]`);
    if (socket.multi !== undefined) {
      if (index === undefined)
        throw this.r.fail(
          path,
          'bad_index',
          `'${moduleId}.${socketId}' is a multi-socket with ${socket.multi} bindings: name one, ${moduleId}.${socketId}[0..${socket.multi - 1}]`,
        );
      if (Number(index) >= socket.multi)
        throw this.r.fail(
          path,
          'bad_index',
          `'${raw as string}': index ${index} is out of range, '${moduleId}.${socketId}' has ${socket.multi} bindings (0..${socket.multi - 1})`,
        );
    }
    const endpoint: HwEndpointIR = {
      module: moduleId,
      socket: socketId,
      ...(index === undefined ? {} : { index: Number(index) }),
    };
    return { endpoint, socket };
  }

  /** Marks a binding taken, refusing a second use. */
  take(endpoint: HwEndpointIR, path: string): void {
    const key = endpointText(endpoint);
    const first = this.taken.get(key);
    if (first !== undefined) throw this.r.fail(path, 'already_bound', `'${key}' is already bound at ${first}`);
    this.taken.set(key, path);
  }
}

function connection(r: YamlReader, w: Wiring, x: unknown, path: string): HwConnectionIR {
  const c = r.map(x, path, ['from', 'to'], ['description']);
  const from = w.resolve(c.from, `${path}.from`);
  const to = w.resolve(c.to, `${path}.to`);
  if (from.socket.role !== 'initiator')
    throw r.fail(
      `${path}.from`,
      'role_mismatch',
      `'${String(c.from)}' is a target socket; a connection goes from an initiator socket`,
    );
  if (to.socket.role !== 'target')
    throw r.fail(
      `${path}.to`,
      'role_mismatch',
      `'${String(c.to)}' is an initiator socket; a connection goes to a target socket`,
    );
  if (to.socket.protocol !== 'both' && to.socket.protocol !== from.socket.protocol) {
    throw r.fail(
      path,
      'protocol_mismatch',
      `initiator '${String(c.from)}' uses ${from.socket.protocol} transport but target '${String(c.to)}' offers only ${to.socket.protocol}`,
    );
  }
  w.take(from.endpoint, `${path}.from`);
  w.take(to.endpoint, `${path}.to`);
  return {
    from: from.endpoint,
    to: to.endpoint,
    protocol: from.socket.protocol,
    ...(c.description === undefined ? {} : { description: r.text(c, 'description', path) }),
  };
}

function external(r: YamlReader, w: Wiring, x: unknown, path: string): HwExternalIR {
  const e = r.map(x, path, ['socket', 'description']);
  const { endpoint, socket } = w.resolve(e.socket, `${path}.socket`);
  w.take(endpoint, `${path}.socket`);
  return { endpoint, role: socket.role, protocol: socket.protocol, description: r.text(e, 'description', path) };
}

/** Every binding of every socket must be taken by a connection or listed as external. */
function checkAllBound(r: YamlReader, w: Wiring, modules: readonly HwModuleIR[]): void {
  for (const m of modules) {
    for (const s of m.sockets) {
      const indices = s.multi === undefined ? [undefined] : Array.from({ length: s.multi }, (_, i) => i);
      for (const index of indices) {
        const key = endpointText({ module: m.id, socket: s.id, ...(index === undefined ? {} : { index }) });
        if (!w.taken.has(key)) {
          throw r.fail(
            'connections',
            'unbound',
            `${s.role} socket '${key}' (${m.path} ${s.yamlPath}) is unbound: no connection binds it and it is not listed under external`,
          );
        }
      }
    }
  }
}

/** Reads spec/hw under `root`: one module per `<id>.yaml`, and the wiring in architecture.yaml. */
export function loadArchitecture(root: string, dir: string): HwArchitectureIR {
  const names = readdirSync(join(root, dir))
    .filter((n) => n.endsWith('.yaml'))
    .sort();
  const modules = names
    .filter((n) => n !== ARCHITECTURE_FILE)
    .map((n) => loadModule(root, `${dir}/${n}`, n.slice(0, -'.yaml'.length)));
  const byId = new Map(modules.map((m) => [m.id, m]));
  const path = `${dir}/${ARCHITECTURE_FILE}`;
  const r = new YamlReader(path);
  if (!names.includes(ARCHITECTURE_FILE))
    throw r.fail('(file)', 'missing', `${dir} has no ${ARCHITECTURE_FILE} (the connections between the modules)`);
  const doc: YamlMap = r.map(r.load(root), '', ['architecture', 'description', 'connections'], ['external']);
  const w = new Wiring(r, byId);
  const connections = r.list(doc, 'connections', '').map((c, i) => connection(r, w, c, `connections[${i}]`));
  const externals = r.list(doc, 'external', '', true).map((e, i) => external(r, w, e, `external[${i}]`));
  checkAllBound(r, w, modules);
  return {
    name: r.name(doc, 'architecture', ''),
    path,
    description: r.text(doc, 'description', ''),
    modules,
    connections,
    externals,
  };
}
