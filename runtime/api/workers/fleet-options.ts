/** `listen`'s `fleet` option: the hosts' link addresses and the key of what crosses between them (fleet-link.ts). */
import { isIP, SocketAddress } from 'node:net';
import { ConfigError, integerOption } from '../../config-error.js';
import { MAX_OWNERS } from '../../cid/cid-owner.js';

/** `fleet`, as given to `listen`. */
export interface FleetOptions {
  /** Every host's link address by id (this one's too), `'address:port'` or `'[address]:port'`; worker i: port + i. */
  readonly hosts: Readonly<Record<number, string>>;
  /** The fleet's link key, the same on every host: 32 bytes, or 64 hex digits. */
  readonly key: Uint8Array | string;
}

export const FLEET_KEY_LENGTH = 32;

/** One host's link address. */
export interface FleetHost {
  readonly id: number;
  readonly address: string;
  readonly port: number;
}

/** `fleet` checked, in the form that crosses to a worker thread. */
export interface FleetConfig {
  readonly hosts: readonly FleetHost[];
  readonly key: Uint8Array;
}

function linkAddress(option: string, value: unknown): { address: string; port: number } {
  const bad = (): ConfigError =>
    new ConfigError(
      option,
      `must be 'address:port' with an IP address ('[address]:port' for IPv6), got ${JSON.stringify(value)}`,
    );
  if (typeof value !== 'string') throw bad();
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(value);
  const v6 = m?.[1];
  const address = v6 ?? m?.[2];
  if (m === null || address === undefined || isIP(address) !== (v6 !== undefined ? 6 : 4)) throw bad();
  // Worker i of the host takes its datagrams at port + i: room for the most workers a CID can name.
  const port = integerOption(option, Number(m[3]), 1, 65535 - (MAX_OWNERS - 1));
  // As node:dgram reports a sender's address (canonical text), which the link compares it with.
  return { address: new SocketAddress({ address, family: v6 !== undefined ? 'ipv6' : 'ipv4' }).address, port };
}

function fleetKey(value: unknown): Uint8Array {
  if (typeof value === 'string') {
    if (!/^[0-9a-fA-F]{64}$/.test(value))
      throw new ConfigError('fleet.key', `must be ${FLEET_KEY_LENGTH} bytes or 64 hex digits`);
    return new Uint8Array(Buffer.from(value, 'hex'));
  }
  if (!(value instanceof Uint8Array) || value.length !== FLEET_KEY_LENGTH)
    throw new ConfigError('fleet.key', `must be ${FLEET_KEY_LENGTH} bytes (a Uint8Array) or 64 hex digits`);
  return Uint8Array.from(value);
}

/** Checks `fleet` against this host's id, CID length and port (ConfigError); undefined: no fleet. */
export function fleetOption(
  value: unknown,
  hostId: number,
  cidLength: number,
  endpoint: { readonly host: string; readonly port: number; readonly workers: number },
): FleetConfig | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null) throw new ConfigError('fleet', 'must be an object { hosts, key }');
  const { hosts, key, ...extra } = value as Record<string, unknown>;
  const unknown = Object.keys(extra)[0];
  if (unknown !== undefined) throw new ConfigError(`fleet.${unknown}`, 'is not an option of fleet (hosts, key)');
  if (typeof hosts !== 'object' || hosts === null || Array.isArray(hosts))
    throw new ConfigError('fleet.hosts', "must be an object of host id -> 'address:port'");
  const list: FleetHost[] = Object.entries(hosts).map(([id, at]) => {
    const option = `fleet.hosts.${id}`;
    if (!/^(?:0|[1-9]\d*)$/.test(id))
      throw new ConfigError(option, `the key must be a host id in 0..${MAX_OWNERS - 1}`);
    return { id: integerOption(option, Number(id), 0, MAX_OWNERS - 1), ...linkAddress(option, at) };
  });
  for (const [i, h] of list.entries()) {
    const same = list.findIndex((o) => o.address === h.address && o.port === h.port);
    if (same !== i) throw new ConfigError(`fleet.hosts.${h.id}`, `has the link address of host ${list[same]!.id}`);
  }
  if (!list.some((h) => h.id === hostId))
    throw new ConfigError('fleet.hosts', `must hold this host's own link address (hostId ${hostId})`);
  if (list.length < 2) throw new ConfigError('fleet.hosts', 'must name at least one other host');
  const own = list.find((h) => h.id === hostId)!;
  const sameAddress = endpoint.host === own.address || endpoint.host === '0.0.0.0' || endpoint.host === '::';
  if (sameAddress && endpoint.port >= own.port && endpoint.port < own.port + endpoint.workers)
    throw new ConfigError(
      `fleet.hosts.${hostId}`,
      `its link ports ${own.port}..${own.port + endpoint.workers - 1} (one per worker) take in the endpoint's port ${endpoint.port}`,
    );
  if (cidLength === 0)
    throw new ConfigError('cid', 'is needed with fleet: records are forwarded to the host their connection ID names');
  return { hosts: list, key: fleetKey(key) };
}
