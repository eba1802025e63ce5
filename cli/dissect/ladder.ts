/**
 * A capture as a ladder (a sequence diagram, Wireshark's flow graph): for
 * each conversation the client and the server are two columns, each
 * datagram one arrow between them with its time and what its records
 * carry, and a stretch with no datagram for longer than GAP_SECONDS (an
 * idle connection, a retransmission timer) one compressed row that says
 * how long it was. Built from the records `dissectCapture` returns, the
 * same ones the record lines are printed from; ladder-svg.ts draws it.
 */
import type { CapturedRecord } from './capture-dissector.js';
import type { HandshakeView, RecordView } from './record-view.js';

/** A pause between two datagrams longer than this (seconds) is drawn as a gap, not as distance. */
export const GAP_SECONDS = 1;

/** One datagram: who sent it, when (seconds after the capture's first DTLS record), and its records' contents. */
export interface LadderArrow {
  readonly kind: 'arrow';
  readonly time: number;
  readonly from: 'client' | 'server';
  /** The datagram's index among the capture's DTLS datagrams (CapturedRecord.datagram). */
  readonly datagram: number;
  /** What each record of the datagram carries, one entry a record. */
  readonly records: readonly string[];
}

/** A stretch longer than GAP_SECONDS with no datagram of the conversation. */
export interface LadderGap {
  readonly kind: 'gap';
  readonly seconds: number;
}

/** One conversation's ladder: its two endpoints and its rows in capture order. */
export interface Ladder {
  readonly client: string;
  readonly server: string;
  readonly rows: readonly (LadderArrow | LadderGap)[];
}

/** The ladders of a capture's records, one a conversation, in the order each began. */
export function ladders(records: readonly CapturedRecord[]): Ladder[] {
  const t0 = records[0]?.time ?? 0;
  const byConversation = new Map<string, CapturedRecord[]>();
  for (const r of records) {
    const key = [r.source, r.destination].sort().join(' ');
    const list = byConversation.get(key);
    if (list) list.push(r);
    else byConversation.set(key, [r]);
  }
  return [...byConversation.values()].map((list) => {
    const first = list.find((r) => r.from === 'client') ?? list[0]!;
    const client = first.from === 'server' ? first.destination : first.source;
    const server = first.from === 'server' ? first.source : first.destination;
    const rows: (LadderArrow | LadderGap)[] = [];
    let last: (LadderArrow & { records: string[] }) | undefined;
    for (const r of list) {
      if (last?.datagram === r.datagram) {
        last.records.push(recordCarries(r));
        continue;
      }
      const time = r.time - t0;
      if (last !== undefined && time - last.time > GAP_SECONDS) rows.push({ kind: 'gap', seconds: time - last.time });
      last = {
        kind: 'arrow',
        time,
        from: r.source === client ? 'client' : 'server',
        datagram: r.datagram,
        records: [recordCarries(r)],
      };
      rows.push(last);
    }
    return { client, server, rows };
  });
}

/** What one record carries, shortly: its handshake messages, alert, ACK, application data length, or why not known. */
function recordCarries(r: RecordView): string {
  const error = r.error === undefined ? '' : ` (error: ${r.error})`;
  if (r.messages.length > 0) return `${r.messages.map(messageName).join(', ')}${error}`;
  if (r.alert) return `alert ${r.alert.description}${error}`;
  if (r.ack) return `ack [${r.ack.map((n) => `${n.epoch}:${n.sequenceNumber}`).join(', ')}]${error}`;
  if (r.applicationData !== undefined) return `application_data ${r.applicationData} B${error}`;
  if (r.contentType === 'encrypted') return `encrypted ${r.length} B${error}`;
  return `${r.contentType}${error}`;
}

function messageName(m: HandshakeView): string {
  const name = m.helloRetryRequest ? 'hello_retry_request' : m.type;
  const whole = m.fragmentOffset === 0 && m.fragmentLength === m.length;
  const part = whole ? '' : ` [${m.fragmentOffset}..${m.fragmentOffset + m.fragmentLength} of ${m.length}]`;
  return `${name}${part}${m.retransmission ? ' (retransmitted)' : ''}`;
}

/** Width of the arrow between the two columns, in characters. */
const ARROW = 34;
const TIME = 11;

/** The ladders as text: the columns' endpoints over them, one line an arrow (time, arrow, records' contents), gaps compressed. */
export function ladderText(all: readonly Ladder[]): string {
  const out: string[] = [];
  for (const l of all) {
    if (out.length > 0) out.push('');
    const arrows = l.rows.filter((r) => r.kind === 'arrow').length;
    out.push(`${l.client} (client) and ${l.server} (server): ${arrows} datagram${arrows === 1 ? '' : 's'}`);
    out.push(`${'time s'.padStart(TIME)}  ${'client'.padEnd(ARROW + 1)}server`);
    for (const row of l.rows) {
      if (row.kind === 'gap') {
        const label = ` ${row.seconds.toFixed(3)} s, no datagram `;
        const side = Math.max(2, ARROW + 2 - label.length);
        out.push(`${''.padStart(TIME)}  ${'~'.repeat(Math.floor(side / 2))}${label}${'~'.repeat(Math.ceil(side / 2))}`);
        continue;
      }
      const arrow = row.from === 'client' ? `|${'-'.repeat(ARROW - 1)}>|` : `|<${'-'.repeat(ARROW - 1)}|`;
      out.push(`${row.time.toFixed(6).padStart(TIME)}  ${arrow}  ${row.records.join(' | ')}`);
    }
  }
  return `${out.join('\n')}\n`;
}
