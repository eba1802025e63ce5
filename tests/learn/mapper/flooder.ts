/**
 * A hostile DTLS peer for the mapper's caps: every datagram it receives (from a learner's session) is answered by a
 * burst of datagrams, each a plaintext DTLS record packed with zero-length handshake messages, each message new (its
 * own message_seq, the types alternating so no two names in a row are the same). As a server it answers whoever
 * sends; as a client (a script, `floodClientScript`) it sends to the port it is given, and again on every answer.
 */
import { createSocket, type Socket } from 'node:dgram';

/** How large the flood is: messages per datagram, datagrams per burst. */
export interface FloodSize {
  readonly messages: number;
  readonly datagrams: number;
}

/** One datagram of `messages` zero-length handshake messages, numbered from `seq`, in a record numbered `record`. */
export function floodDatagram(messages: number, seq: number, record: number): Buffer {
  const body = Buffer.alloc(messages * 12);
  for (let k = 0; k < messages; k++) {
    const at = k * 12;
    body[at] = k % 2 === 0 ? 20 : 4; // finished, new_session_ticket: zero-length, and any name will do
    body.writeUInt16BE((seq + k) & 0xffff, at + 4); // message_seq; length, offset, fragment length 0
  }
  const header = Buffer.alloc(13);
  header[0] = 22; // handshake
  header[1] = 0xfe;
  header[2] = 0xfd;
  header.writeUIntBE(record, 5, 6); // epoch 0, sequence number
  header.writeUInt16BE(body.length, 11);
  return Buffer.concat([header, body]);
}

/** A flooding server on 127.0.0.1; `received` counts the datagrams it was sent. */
export async function startFloodServer(
  size: FloodSize,
): Promise<{ port: number; received: () => number; close: () => Promise<void> }> {
  const socket: Socket = createSocket('udp4');
  let received = 0;
  let record = 0;
  let seq = 0;
  socket.on('message', (_msg, from) => {
    received++;
    for (let d = 0; d < size.datagrams; d++) {
      socket.send(floodDatagram(size.messages, seq, record++), from.port, from.address, () => undefined);
      seq += size.messages;
    }
  });
  socket.on('error', () => undefined);
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  return {
    port: socket.address().port,
    received: () => received,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

/**
 * The source of a flooding client script (it runs as the `--client-command` per session, so nothing of ours is
 * imported): `node SCRIPT PORT` sends a burst to 127.0.0.1:PORT, then one on every datagram it receives, and exits
 * after 20 s. Its datagrams are {@link floodDatagram}'s.
 */
export function floodClientScript(size: FloodSize): string {
  return `
const dgram = require('node:dgram');
const port = Number(process.argv.at(-1));
const s = dgram.createSocket('udp4');
let record = 0, seq = 0;
function datagram() {
  const body = Buffer.alloc(${size.messages} * 12);
  for (let k = 0; k < ${size.messages}; k++) {
    body[k * 12] = k % 2 === 0 ? 20 : 4;
    body.writeUInt16BE((seq + k) & 0xffff, k * 12 + 4);
  }
  seq += ${size.messages};
  const header = Buffer.alloc(13);
  header[0] = 22; header[1] = 0xfe; header[2] = 0xfd;
  header.writeUIntBE(record++, 5, 6);
  header.writeUInt16BE(body.length, 11);
  return Buffer.concat([header, body]);
}
const burst = () => { for (let d = 0; d < ${size.datagrams}; d++) s.send(datagram(), port, '127.0.0.1', () => {}); };
s.on('message', burst);
s.on('error', () => {});
s.bind(0, '127.0.0.1', burst);
setTimeout(() => process.exit(0), 20000);
`;
}
