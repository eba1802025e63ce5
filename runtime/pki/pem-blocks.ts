/** Every PEM block of a text (RFC 7468 §2, RFC 1421 headers), with label and position, for the credential options. */
import { ConfigError } from '../config-error.js';

export interface PemBlock {
  /** 1-based position among the blocks of its text, for messages. */
  readonly position: number;
  /** The label, `CERTIFICATE`, `PRIVATE KEY`, `ENCRYPTED PRIVATE KEY`, `EC PRIVATE KEY`, ... */
  readonly label: string;
  /** RFC 1421 headers were present (`Proc-Type: 4,ENCRYPTED`): a traditionally encrypted key. */
  readonly encrypted: boolean;
  /** The block's text from BEGIN to END, for parsers that take PEM (node:crypto's createPrivateKey). */
  readonly text: string;
  /** The decoded body (for an encrypted traditional key: the ciphertext). */
  readonly der: Uint8Array;
}

const BEGIN = /-----BEGIN ([^-\r\n]*)-----/g;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Parses the blocks of `text` (outside text ignored); a broken block throws {@link ConfigError} naming it. */
export function parsePemBlocks(text: string, option: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  for (const m of text.matchAll(BEGIN)) {
    const label = m[1] ?? '';
    const position = blocks.length + 1;
    const where = `PEM block ${position} (${label})`;
    const bodyStart = (m.index ?? 0) + m[0].length;
    const endAt = text.indexOf('-----END ', bodyStart);
    const nextBegin = text.indexOf('-----BEGIN ', bodyStart);
    if (endAt < 0 || (nextBegin >= 0 && nextBegin < endAt))
      throw new ConfigError(option, `${where}: BEGIN without END`);
    const endLine = /^-----END ([^-\r\n]*)-----/.exec(text.slice(endAt));
    if (!endLine) throw new ConfigError(option, `${where}: malformed END line`);
    if (endLine[1] !== label)
      throw new ConfigError(option, `${where}: BEGIN ${label} ends with END ${String(endLine[1])}`);
    const lines = text.slice(bodyStart, endAt).split(/\r?\n/);
    const headers = lines.filter((l) => l.includes(':'));
    const b64 = lines
      .filter((l) => !l.includes(':'))
      .join('')
      .replace(/\s+/g, '');
    if (b64.length === 0) throw new ConfigError(option, `${where}: empty body`);
    if (b64.length % 4 !== 0 || !BASE64.test(b64))
      throw new ConfigError(option, `${where}: the body is not valid base64`);
    const der = new Uint8Array(Buffer.from(b64, 'base64')); // node's decoder (a copy: no view of Buffer's shared pool)
    const encrypted = headers.some((h) => /^Proc-Type:\s*4,ENCRYPTED/i.test(h.trim()));
    blocks.push({ position, label, encrypted, text: text.slice(m.index ?? 0, endAt + endLine[0].length), der });
  }
  return blocks;
}
