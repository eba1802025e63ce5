/**
 * `--cid N`, `--cid-spares N` and `--rrc MODE` of `dtls13 client` and
 * `dtls13 server` (their rows are CID_OPTIONS in net-options.ts):
 * connection IDs (RFC 9146, RFC 9147 §9) and return routability checks
 * (RFC 9853); and the CIDs a handshake settled, as the 'connected:' lines
 * show them.
 */
import type { ConnectionIdOption, RrcProcedure } from '../runtime/cid/cid-options.js';
import type { SessionConnectionIds } from '../runtime/api/peer-identity.js';
import { stringValue, type OptionValues } from './option-table.js';
import { CliUsageError } from './usage-error.js';

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

/**
 * The CIDs the handshake settled, for a 'connected:' line ('' when none were): ` cid ours HEX peer's HEX`, ours the one
 * the peer's records carry to us, the peer's the one ours carry to it; `empty` for a zero-length one (RFC 9146 §3).
 */
export function connectionIdText(ids: SessionConnectionIds | undefined): string {
  if (ids === undefined) return '';
  const hex = (cid: Buffer | undefined): string =>
    cid === undefined || cid.length === 0 ? 'empty' : cid.toString('hex');
  return ` cid ours ${hex(ids.local)} peer's ${hex(ids.peer)}`;
}
