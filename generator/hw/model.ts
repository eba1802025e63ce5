/** The hardware architecture as the generator reads it from spec/hw: modules, their sockets and parameters, and the wiring. */

/** Which side of a TLM-2.0 binding a socket is (IEEE 1666-2011 §13.2). */
export type SocketRole = 'initiator' | 'target';

/** The transport interfaces a socket uses: b_transport, nb_transport (base protocol), or both. */
export type SocketProtocol = 'blocking' | 'non_blocking' | 'both';

/**
 * What a parameter measures, and so which units its values are written in and
 * the plain number it becomes: `time` → picoseconds (SimTime), `bandwidth` →
 * bits per second, `size` → bytes, `count` → an integer, `ratio` → a number in
 * 0..1, `number` → any finite number, `flag` → a boolean.
 */
export type ParamKind = 'time' | 'bandwidth' | 'size' | 'count' | 'ratio' | 'number' | 'flag';

/** One socket of a module. */
export interface HwSocketIR {
  /** snake_case, as in the spec (`network_rx`). */
  readonly id: string;
  /** camelCase field and socket name (`networkRx`). */
  readonly tsName: string;
  readonly role: SocketRole;
  readonly protocol: SocketProtocol;
  /** Number of bindings for a multi-socket (an array of sockets); undefined for a plain socket. */
  readonly multi?: number;
  readonly description: string;
  /** Where it is declared (YAML path within the module file), for messages. */
  readonly yamlPath: string;
}

/** One typed parameter, its default parsed to a plain number (or boolean). */
export interface HwParamIR {
  readonly id: string;
  readonly tsName: string;
  readonly kind: ParamKind;
  readonly value: number | boolean;
  /** The default as written in the spec (`50us`), for docs. */
  readonly written: string;
  /** Inclusive bounds in the parameter's plain unit (defaults per kind: time/size/count ≥ 0, ratio 0..1). */
  readonly min?: number;
  readonly max?: number;
  readonly description: string;
}

/** One module of the architecture (one spec/hw/<id>.yaml). */
export interface HwModuleIR {
  readonly id: string;
  /** Path relative to the project root. */
  readonly path: string;
  /** camelCase instance key and default instance name (`cryptoEngine`). */
  readonly tsName: string;
  /** PascalCase base for type names (`CryptoEngine`). */
  readonly tsBase: string;
  readonly description: string;
  readonly sockets: readonly HwSocketIR[];
  readonly params: readonly HwParamIR[];
}

/** One end of a connection: a socket, and for a multi-socket which of its bindings. */
export interface HwEndpointIR {
  readonly module: string;
  readonly socket: string;
  readonly index?: number;
}

/** An initiator socket bound to a target socket. */
export interface HwConnectionIR {
  readonly from: HwEndpointIR;
  readonly to: HwEndpointIR;
  /** The initiator's protocol (what the binding carries). */
  readonly protocol: SocketProtocol;
  readonly description?: string;
}

/** A socket the architecture leaves unbound on purpose: the testbench binds it. */
export interface HwExternalIR {
  readonly endpoint: HwEndpointIR;
  readonly role: SocketRole;
  readonly protocol: SocketProtocol;
  readonly description: string;
}

/** The whole of spec/hw. */
export interface HwArchitectureIR {
  readonly name: string;
  /** Path of the architecture file relative to the root. */
  readonly path: string;
  readonly description: string;
  /** Sorted by id. */
  readonly modules: readonly HwModuleIR[];
  /** In spec order. */
  readonly connections: readonly HwConnectionIR[];
  readonly externals: readonly HwExternalIR[];
}

/** `module.socket` or `module.socket[i]`, for messages and tables. */
export function endpointText(e: HwEndpointIR): string {
  return `${e.module}.${e.socket}${e.index === undefined ? '' : `[${e.index}]`}`;
}
