/**
 * `--cid N`, `--cid-spares N` and `--rrc MODE` of `dtls13 client` and
 * `dtls13 server`: connection IDs (RFC 9146, RFC 9147 §9) and return
 * routability checks (RFC 9853).
 */
import type { ConnectionIdOption, RrcProcedure } from '../runtime/cid/cid-options.js';
import { stringValue, type OptionTable, type OptionValues } from './option-table.js';
import { CliUsageError } from './usage-error.js';

export const CID_OPTIONS: OptionTable = [
  {
    name: 'cid',
    type: 'string',
    value: 'N',
    help: 'use connection IDs: ours N bytes (0..20; 0 asks the peer to send none);\nused when the peer offers them too (RFC 9146)',
    group: 'connection IDs',
  },
  {
    name: 'cid-spares',
    type: 'string',
    value: 'N',
    help: 'give the peer N spare CIDs after the handshake, for a new path (default 0)',
    group: 'connection IDs',
  },
  {
    name: 'rrc',
    type: 'string',
    value: 'MODE',
    help: "check a peer's new address before moving to it (RFC 9853): basic (default\nwith --cid), enhanced (ask the old address first) or off",
    group: 'connection IDs',
  },
];

function count(option: string, text: string | undefined, max: number): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n > max) throw new CliUsageError(`${option} must be an integer 0..${max}, got '${text}'`);
  return n;
}

/** The connection options of --cid, --cid-spares and --rrc. */
export function cidOptions(v: OptionValues): { cid?: number | ConnectionIdOption; rrc?: boolean | RrcProcedure } {
  const length = count('--cid', stringValue(v.cid), 20);
  const spares = count('--cid-spares', stringValue(v['cid-spares']), 63);
  const rrcText = stringValue(v.rrc);
  if (length === undefined) {
    if (spares !== undefined || rrcText !== undefined) throw new CliUsageError('--cid-spares and --rrc need --cid N');
    return {};
  }
  if (rrcText !== undefined && rrcText !== 'basic' && rrcText !== 'enhanced' && rrcText !== 'off') {
    throw new CliUsageError(`--rrc must be basic, enhanced or off, got '${rrcText}'`);
  }
  return {
    cid: spares !== undefined ? { length, spares } : length,
    ...(rrcText !== undefined ? { rrc: rrcText === 'off' ? false : rrcText } : {}),
  };
}
