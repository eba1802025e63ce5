/**
 * `dtls13 server --workers N` as one host of a fleet (docs/scale-out.md):
 * `--host-id`, `--ticket-key-file` (watched, rotated), `--fleet ID=HOST:PORT,...`
 * (every host's link address, this one's included) and `--fleet-key-file`
 * (the fleet's link key, 64 hex digits). Each needs --workers. The flags'
 * rows are cli/net-options.ts's FLEET_OPTIONS (the help loads no more).
 */
import { readFileSync } from 'node:fs';
import type { FleetOptions } from '../runtime/api/workers/fleet-options.js';
import { stringValue, type OptionValues } from './option-table.js';
import { CliUsageError } from './usage-error.js';

/** `--fleet 1=10.0.0.1:4500,2=[fd00::2]:4500` as `fleet.hosts`. */
function fleetHosts(text: string): Record<number, string> {
  const hosts: Record<number, string> = {};
  for (const entry of text.split(',')) {
    const m = /^(\d{1,3})=(.+)$/.exec(entry.trim());
    if (m === null)
      throw new CliUsageError(
        `--fleet: each entry is ID=HOST:PORT (IPv6: ID=[HOST]:PORT), got ${JSON.stringify(entry)}`,
      );
    if (hosts[Number(m[1])] !== undefined) throw new CliUsageError(`--fleet: host ${Number(m[1])} is named twice`);
    hosts[Number(m[1])] = m[2]!;
  }
  return hosts;
}

function fleetKey(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8').trim();
  } catch (e) {
    throw new CliUsageError(`--fleet-key-file ${path}: ${(e as Error).message}`);
  }
  if (!/^[0-9a-fA-F]{64}$/.test(text))
    throw new CliUsageError(`--fleet-key-file ${path}: the file holds the key as 64 hex digits`);
  return text;
}

/** The listen options these flags give (checked by listen itself, which names what is wrong); a usage error without --workers. */
export function fleetListenOptions(
  v: OptionValues,
  workers: boolean,
): { hostId?: number; ticketKeyFile?: string; fleet?: FleetOptions } {
  const hostId = stringValue(v['host-id']);
  const ticketKeyFile = stringValue(v['ticket-key-file']);
  const fleet = stringValue(v.fleet);
  const keyFile = stringValue(v['fleet-key-file']);
  const given = [
    hostId && '--host-id',
    ticketKeyFile && '--ticket-key-file',
    fleet && '--fleet',
    keyFile && '--fleet-key-file',
  ].filter(Boolean);
  if (given.length > 0 && !workers)
    throw new CliUsageError(`${given.join(', ')} need --workers (--workers 1 for one event loop)`);
  if (fleet !== undefined && keyFile === undefined)
    throw new CliUsageError('--fleet needs --fleet-key-file (the link key every host shares)');
  if (keyFile !== undefined && fleet === undefined) throw new CliUsageError('--fleet-key-file goes with --fleet');
  if (hostId !== undefined && !/^\d{1,3}$/.test(hostId))
    throw new CliUsageError(`--host-id must be 0..255, got ${hostId}`);
  return {
    ...(hostId !== undefined ? { hostId: Number(hostId) } : {}),
    ...(ticketKeyFile !== undefined ? { ticketKeyFile } : {}),
    ...(fleet !== undefined && keyFile !== undefined
      ? { fleet: { hosts: fleetHosts(fleet), key: fleetKey(keyFile) } }
      : {}),
  };
}
