import { ConfigError } from '../../runtime/config-error.js';
import type { Simulator } from '../kernel/index.js';

const NAME = /^[^.\s]+$/;
/** Names taken at the top level of each simulator, and inside each module. */
const taken = new WeakMap<object, Set<string>>();

/**
 * Checks `name` (non-empty, no `.` or whitespace, as sc_object names) and
 * reserves it under `scope` (a module, or a simulator for top-level modules).
 * Throws `ConfigError('name', ...)` naming the full name on a bad or
 * duplicate name. Used by `Module` and the sockets; not part of the index.
 */
export function claimName(scope: object, scopeName: string | undefined, name: string, what: string): string {
  const full = scopeName === undefined ? name : `${scopeName}.${name}`;
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new ConfigError(
      'name',
      `${what} name ${JSON.stringify(name)}${scopeName === undefined ? '' : ` in ${scopeName}`} must be non-empty without '.' or whitespace`,
    );
  }
  let names = taken.get(scope);
  if (names === undefined) taken.set(scope, (names = new Set()));
  if (names.has(name)) throw new ConfigError('name', `${what} ${full}: the name is already used`);
  names.add(name);
  return full;
}

/**
 * sc_module (IEEE 1666-2011 §5.2) as far as TLM needs it: a named object in
 * a hierarchy, bound to one simulator. `fullName` is the dot-joined path from
 * the top (`soc.cryptoEngine`); names are unique among siblings (sockets
 * included) and among a simulator's top-level modules. The base of the
 * generated skeletons.
 */
export class Module {
  /** The simulator the module's processes and sockets run in. */
  readonly sim: Simulator;
  /** The module's own name (sc_object::basename). */
  readonly name: string;
  /** The enclosing module, or undefined at the top. */
  readonly parent: Module | undefined;
  /** Dot-joined hierarchical name (sc_object::name). */
  readonly fullName: string;
  readonly #children: Module[] = [];

  constructor(sim: Simulator, name: string, parent?: Module) {
    if (parent !== undefined && parent.sim !== sim) {
      throw new ConfigError('parent', `module ${parent.fullName}.${String(name)} must run in its parent's simulator`);
    }
    this.sim = sim;
    this.name = name;
    this.parent = parent;
    this.fullName =
      parent === undefined
        ? claimName(sim, undefined, name, 'module')
        : claimName(parent, parent.fullName, name, 'module');
    if (parent !== undefined) parent.#children.push(this);
  }

  /** Child modules, in creation order. */
  get children(): readonly Module[] {
    return this.#children;
  }
}
