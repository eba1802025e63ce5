/**
 * A capture's DTLS traffic: UDP datagrams grouped into conversations by
 * their two endpoints, each dissected by a {@link Conversation} (DTLS 1.3)
 * or a {@link Conversation12} (DTLS 1.2, told apart by sniffVersion). The client
 * is the side that sent the first ClientHello (else the first sender).
 */
import { nodeProvider } from '../../runtime/crypto/node/index.js';
import { readCapture } from './capture-file.js';
import { Conversation } from './conversation.js';
import { Conversation12 } from './conversation12.js';
import type { KeyLog } from './key-log.js';
import type { ConversationOptions, RecordView } from './record-view.js';
import { endpointText, udpDatagram, type UdpDatagram } from './udp-datagram.js';
import { sniffVersion } from './version-sniff.js';

export interface CapturedRecord extends RecordView {
  readonly time: number;
  readonly source: string;
  readonly destination: string;
  /** Index of the datagram in the capture's DTLS datagrams (records of one datagram share it). */
  readonly datagram: number;
}

/**
 * True when a UDP payload starts like a DTLS record: a plaintext record
 * with version 0xfeXX (1.3's handshake, alert and ack; 1.2's every type,
 * tls12_cid too), or a unified header.
 */
function looksLikeDtls(p: Uint8Array): boolean {
  if (p.length < 1) return false;
  const first = p[0]!;
  if ((first & 0xe0) === 0x20) return true;
  return first >= 20 && first <= 26 && first !== 24 && p.length >= 13 && p[1] === 0xfe;
}

/** The records of one conversation's datagrams, whichever version it speaks. */
interface Dissector {
  dissect(from: 'client' | 'server', datagram: Uint8Array): RecordView[];
}

/** Every DTLS record of a capture file, in order. `port` keeps only datagrams from or to that UDP port. */
export function dissectCapture(
  file: Uint8Array,
  keyLog: KeyLog,
  port?: number,
  options: ConversationOptions = {},
): CapturedRecord[] {
  const datagrams = [...udpDatagrams(file, port)];
  // First pass: each conversation's datagrams, to tell 1.2 from 1.3 before any is dissected.
  const byConversation = new Map<string, Uint8Array[]>();
  for (const d of datagrams) {
    const list = byConversation.get(d.key);
    if (list) list.push(d.udp.payload);
    else if (looksLikeDtls(d.udp.payload)) byConversation.set(d.key, [d.udp.payload]);
  }
  const conversations = new Map<string, { conversation: Dissector; client: string | undefined }>();
  const out: CapturedRecord[] = [];
  let index = 0;
  for (const { udp, source, destination, key } of datagrams) {
    let c = conversations.get(key);
    if (!c) {
      const payloads = byConversation.get(key);
      if (!payloads) continue;
      const conversation =
        sniffVersion(payloads) === '1.2'
          ? new Conversation12(keyLog, nodeProvider, options)
          : new Conversation(keyLog, nodeProvider, options);
      c = { conversation, client: undefined };
      conversations.set(key, c);
    }
    const clientHello = udp.payload[0] === 22 && udp.payload[13] === 1;
    if (
      c.client === undefined ||
      (clientHello && c.client !== source && !out.some((r) => r.source === source || r.destination === source))
    )
      c.client = source;
    const from = source === c.client ? 'client' : 'server';
    for (const r of c.conversation.dissect(from, udp.payload))
      out.push({ ...r, time: udp.time, source, destination, datagram: index });
    index++;
  }
  return out;
}

/** The capture's UDP datagrams (from or to `port` when given), with their endpoints and conversation key. */
function* udpDatagrams(
  file: Uint8Array,
  port: number | undefined,
): Generator<{ udp: UdpDatagram; source: string; destination: string; key: string }> {
  for (const packet of readCapture(file)) {
    const udp = udpDatagram(packet);
    if (!udp || (port !== undefined && udp.source.port !== port && udp.destination.port !== port)) continue;
    const source = endpointText(udp.source);
    const destination = endpointText(udp.destination);
    yield { udp, source, destination, key: [source, destination].sort().join(' ') };
  }
}
