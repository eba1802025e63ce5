/**
 * Text for records and handshake messages: one line per record (as
 * `--msg` and `dtls13 dissect` print), and with `trace` the decoded fields
 * of each whole handshake message under it, indented. JSON for scripts.
 */
import type { HandshakeView, RecordView } from './record-view.js';

const BYTES_SHOWN = 32;

/** One record on one line: epoch, record number, content type, length, and what it carries. */
export function recordLine(r: RecordView): string {
  const epoch = r.epoch !== undefined ? `epoch ${r.epoch}` : `epoch ?&${r.epochBits ?? '?'}`;
  const seq = r.sequenceNumber !== undefined ? `rec ${r.sequenceNumber}` : 'rec ?';
  const cid = r.connectionId ? ` cid ${r.connectionId}` : '';
  const head = `${epoch} ${seq}${cid} ${r.contentType} ${r.length} B`;
  return r.error
    ? `${head}: ${carries(r)}${carries(r) ? '; ' : ''}error: ${r.error}`
    : `${head}${carries(r) ? `: ${carries(r)}` : ''}`;
}

function carries(r: RecordView): string {
  if (r.messages.length > 0) return r.messages.map(messageText).join(', ');
  if (r.alert) return `${r.alert.level} ${r.alert.description}`;
  if (r.ack) return `ack [${r.ack.map((n) => `${n.epoch}:${n.sequenceNumber}`).join(', ')}]`;
  if (r.applicationData !== undefined)
    return `${r.applicationData} B of application data${r.data ? ` ${dataText(r.data)}` : ''}`;
  if (r.contentType === 'encrypted') return r.error ? '' : 'protected, no key (give --keylog)';
  return '';
}

/** Application data as a quoted string when it is printable text, else as hex (the first bytes of either). */
function dataText(data: Uint8Array): string {
  const shown = data.subarray(0, 4 * BYTES_SHOWN);
  const more = data.length > shown.length ? '…' : '';
  if (shown.every((b) => (b >= 0x20 && b < 0x7f) || b === 0x0a || b === 0x0d || b === 0x09))
    return `${JSON.stringify(Buffer.from(shown).toString('latin1'))}${more}`;
  return `${Buffer.from(shown).toString('hex')}${more}`;
}

function messageText(m: HandshakeView): string {
  const name = m.helloRetryRequest ? 'hello_retry_request' : m.type;
  const whole = m.fragmentOffset === 0 && m.fragmentLength === m.length;
  const part = whole ? '' : ` fragment ${m.fragmentOffset}..${m.fragmentOffset + m.fragmentLength} of`;
  const again = m.retransmission ? ', retransmitted' : '';
  const error = m.error ? `, does not decode: ${m.error}` : '';
  return `${name} (msg_seq ${m.messageSeq},${part} ${m.length} B${again}${error})`;
}

/** The decoded fields of every message the record completed, as indented `name: value` lines. */
export function traceLines(r: RecordView, indent = '    '): string[] {
  const out: string[] = [];
  for (const m of r.messages) {
    if (m.fields === undefined) continue;
    out.push(`${indent}${m.helloRetryRequest ? 'hello_retry_request' : m.type}:`);
    render(m.fields, `${indent}  `, out);
  }
  return out;
}

/** Bytes that are a name (host_name, ALPN protocol) read better as text. */
function isText(key: string, v: Uint8Array): boolean {
  return /name|protocol/i.test(key) && v.length > 0 && v.every((b) => b >= 0x20 && b < 0x7f);
}

function scalar(v: unknown, key = ''): string | undefined {
  if (v instanceof Uint8Array && isText(key, v)) return JSON.stringify(Buffer.from(v).toString('latin1'));
  if (v instanceof Uint8Array) {
    const shown = Buffer.from(v.subarray(0, BYTES_SHOWN)).toString('hex');
    return v.length > BYTES_SHOWN ? `${shown}… (${v.length} bytes)` : v.length === 0 ? '(empty)' : shown;
  }
  if (typeof v === 'bigint') return v.toString();
  if (v === null || typeof v !== 'object') return String(v);
  return undefined;
}

function render(v: unknown, indent: string, out: string[]): void {
  if (Array.isArray(v)) {
    if (v.every((x) => scalar(x) !== undefined)) {
      out.push(`${indent}[${v.map((x) => scalar(x)).join(', ')}]`);
      return;
    }
    for (const x of v) {
      const s = scalar(x);
      if (s !== undefined) out.push(`${indent}- ${s}`);
      else {
        const sub: string[] = [];
        render(x, `${indent}  `, sub);
        if (sub.length > 0) out.push(`${indent}- ${sub[0]!.trimStart()}`, ...sub.slice(1));
      }
    }
    return;
  }
  for (const [k, x] of Object.entries(v as object)) {
    if (x === undefined) continue;
    const s = scalar(x, k);
    if (s !== undefined) out.push(`${indent}${k}: ${s}`);
    else if (Array.isArray(x) && x.every((y) => scalar(y) !== undefined))
      out.push(`${indent}${k}: [${x.map((y) => scalar(y)).join(', ')}]`);
    else {
      out.push(`${indent}${k}:`);
      render(x, `${indent}  `, out);
    }
  }
}

/** JSON with byte arrays as hex and 64-bit integers as numbers. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v instanceof Uint8Array ? Buffer.from(v).toString('hex') : typeof v === 'bigint' ? Number(v) : v,
  );
}
