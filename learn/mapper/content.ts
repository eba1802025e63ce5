import { alertDescriptionFromNumber, AlertDescription, type AlertDescriptionName } from '../../generated/wire/enums.js';
import { encodeAlert } from '../../generated/wire/alert.js';

/** Record content types (RFC 9147 §4, RFC 6347 §4.1). */
export const CONTENT = {
  change_cipher_spec: 20,
  alert: 21,
  handshake: 22,
  application_data: 23,
  ack: 26,
} as const;

/** What the ApplicationData input carries: a short line an echo server sends back. */
export const APPLICATION_DATA = new TextEncoder().encode('dtls13 learn\n');

/**
 * An input every concrete side takes that is not in the default alphabets: Finished with a wrong verify_data (the
 * right one with its first byte flipped), for tests and for alphabets a user extends.
 */
export const WRONG_FINISHED = 'FinishedWrongVerifyData';

/**
 * The alert of an `Alert(description)` input: close_notify as a warning, any other description as fatal
 * (RFC 8446 §6: in 1.3 every alert but close_notify and user_canceled is fatal). Undefined for another symbol.
 */
export function alertRecord(symbol: string): Uint8Array | undefined {
  const m = /^Alert\(([a-z_]+)\)$/.exec(symbol);
  if (m === null || !(m[1]! in AlertDescription)) return undefined;
  const description = m[1] as AlertDescriptionName;
  return encodeAlert({
    level: description === 'close_notify' || description === 'user_canceled' ? 'warning' : 'fatal',
    description,
  });
}

/**
 * A received alert as its output symbol, `Alert(description)`, and whether it ends the connection: a fatal one, a
 * close_notify, and in 1.3 any alert but user_canceled (RFC 8446 §6). A malformed alert record is `Alert(malformed)`.
 */
export function alertAnswer(content: Uint8Array, version: '1.2' | '1.3'): { name: string; closing: boolean } {
  if (content.length !== 2) return { name: 'Alert(malformed)', closing: false };
  const level = content[0]!;
  const d = alertDescriptionFromNumber(content[1]!);
  const name = typeof d === 'number' ? `Alert(${d})` : `Alert(${d})`;
  const closing = level === 2 || d === 'close_notify' || (version === '1.3' && d !== 'user_canceled');
  return { name, closing };
}
