/**
 * A dtls13 echo server and client over loopback UDP, captured by tcpdump with the client's key log written beside the
 * capture: what the dissector tests and the docs' sample capture (scripts/dissect-sample.ts) record. `exchange` is
 * what the client does once the handshake is done; the client and server close after it, then the capture stops.
 */
import { writeFileSync } from 'node:fs';
import { connect } from '../../runtime/api/connect.js';
import { listen } from '../../runtime/api/listener.js';
import type { DtlsSession } from '../../runtime/api/session.js';
import { certificateToPem, privateKeyToPem } from '../../runtime/pki/pem.js';
import { freePort } from '../interop/wolfssl.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { captureLoopback } from './tcpdump.js';

export interface EchoCaptureOptions {
  /** The server's datagram size: small, its flight goes in fragments. */
  readonly mtu?: number;
}

/** Records one echo session to `pcap` and its key log to `keylog`; resolves with the server's port. */
export async function captureEcho(
  pcap: string,
  keylog: string,
  exchange: (client: DtlsSession) => Promise<void>,
  options: EchoCaptureOptions = {},
): Promise<number> {
  const id = makeIdentity('p256', 'localhost', { at: Date.now() });
  const port = await freePort();
  const lines: string[] = [];
  const capture = await captureLoopback(pcap, [port]);
  const server = listen((s) => (s.onmessage = (m) => s.send(m)), {
    cert: id.chain.map((c) => certificateToPem(c)).join(''),
    key: privateKeyToPem(id.privateKey),
    ...(options.mtu === undefined ? {} : { mtu: options.mtu }),
    port,
    host: '127.0.0.1',
  });
  try {
    await server.listening;
    const client = connect('127.0.0.1', port, { ca: certificateToPem(id.caDer), servername: 'localhost' });
    client.onkeylog = (l) => lines.push(l);
    await client.opened;
    await exchange(client);
    await client.close();
  } finally {
    await server.close();
    await capture.stop();
  }
  writeFileSync(keylog, `${lines.join('\n')}\n`);
  return port;
}
