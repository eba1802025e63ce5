/**
 * A capture's DTLS traffic: UDP datagrams grouped into conversations by
 * their two endpoints, each dissected by a {@link Conversation}. The client
 * is the side that sent the first ClientHello (else the first sender).
 */
import { nodeProvider } from '../../runtime/crypto/node/index.js';
import { readCapture } from './capture-file.js';
import { Conversation } from './conversation.js';
import type { KeyLog } from './key-log.js';
import type { RecordView } from './record-view.js';
import { endpointText, udpDatagram } from './udp-datagram.js';

export interface CapturedRecord extends RecordView {
  readonly time: number;
  readonly source: string;
  readonly destination: string;
  /** Index of the datagram in the capture's DTLS datagrams (records of one datagram share it). */
  readonly datagram: number;
}

/** True when a UDP payload starts like a DTLS record: a plaintext handshake/alert/ack with version 0xfeXX, or a unified header. */
function looksLikeDtls(p: Uint8Array): boolean {
  if (p.length < 1) return false;
  const first = p[0]!;
  if ((first & 0xe0) === 0x20) return true;
  return (first === 21 || first === 22 || first === 26) && p.length >= 13 && p[1] === 0xfe;
}

/** Every DTLS record of a capture file, in order. `port` keeps only datagrams from or to that UDP port. */
export function dissectCapture(file: Uint8Array, keyLog: KeyLog, port?: number): CapturedRecord[] {
  const conversations = new Map<string, { conversation: Conversation; client: string | undefined }>();
  const out: CapturedRecord[] = [];
  let index = 0;
  for (const packet of readCapture(file)) {
    const udp = udpDatagram(packet);
    if (!udp || (port !== undefined && udp.source.port !== port && udp.destination.port !== port)) continue;
    const source = endpointText(udp.source);
    const destination = endpointText(udp.destination);
    const key = [source, destination].sort().join(' ');
    let c = conversations.get(key);
    if (!c) {
      if (!looksLikeDtls(udp.payload)) continue;
      c = { conversation: new Conversation(keyLog, nodeProvider), client: undefined };
      conversations.set(key, c);
    }
    const clientHello = udp.payload[0] === 22 && udp.payload[13] === 1;
    if (c.client === undefined || (clientHello && c.client !== source && !out.some((r) => r.source === source || r.destination === source))) c.client = source;
    const from = source === c.client ? 'client' : 'server';
    for (const r of c.conversation.dissect(from, udp.payload)) out.push({ ...r, time: udp.time, source, destination, datagram: index });
    index++;
  }
  return out;
}
