import test from 'ava';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { openClientEndpoint } from '../support/udp-client.js';
import type { DtlsEndpoint } from '../../runtime/node/endpoint.js';
import { identity } from './sessions.js';
import { writePem } from './wolfssl.js';
import { connectedOf, dataOf, events, ourExporter, receiveWithin, serveBoringClient, startBoringServer, tempDir } from './boringssl.js';

// Resumption (RFC 8446 §2.2, §4.6.1) with BoringSSL, both directions.

const ticketKeys = new Uint8Array(32).fill(0x42);
const hex48 = (byte: number): string => byte.toString(16).padStart(2, '0').repeat(48);

/** Our client: handshake, the first NewSessionTicket, one message echoed, close. */
async function oneConnection(
  port: number,
  caDer: Uint8Array,
  session?: Uint8Array,
): Promise<{ resumed: boolean; ticket: Uint8Array; exporter: string; group: string | undefined; peerCertificate: Uint8Array | undefined }> {
  const c: DtlsEndpoint = openClientEndpoint({
    port,
    trustAnchors: [caDer],
    serverName: 'localhost',
    handshakeTimeoutMs: 10_000,
    ...(session ? { session } : {}),
  });
  const ticket = new Promise<Uint8Array>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no NewSessionTicket within 5 s')), 5000);
    c.onEvent((e) => {
      if (e.type !== 'sessionTicket') return;
      clearTimeout(timer);
      resolve(e.session);
    });
  });
  try {
    const p = await c.handshake;
    const t = await ticket;
    c.send(new TextEncoder().encode(p.resumed ? 'resumed' : 'full'));
    await receiveWithin(c, 10_000);
    return { resumed: p.resumed, ticket: t, exporter: ourExporter(c), group: p.group, peerCertificate: p.peerCertificate };
  } finally {
    c.close();
  }
}

test('dtls13 client → BoringSSL server: our second and third connections resume with its tickets (one server, one ticket key)', async (t) => {
  const id = identity('p256');
  const pem = writePem(id);
  try {
    const { port, run } = await startBoringServer(pem, ['--connections', '3']);
    const first = await oneConnection(port, id.caDer);
    t.false(first.resumed);
    t.truthy(first.peerCertificate);
    const second = await oneConnection(port, id.caDer, first.ticket);
    t.true(second.resumed, 'BoringSSL sent a ticket and took it back: our ClientHello offered psk_key_exchange_modes');
    t.is(second.peerCertificate, undefined, 'no certificate in a resumed handshake');
    t.truthy(second.group, 'psk_dhe_ke: a fresh key exchange');
    const third = await oneConnection(port, id.caDer, second.ticket);
    t.true(third.resumed, 'a ticket from a resumed connection resumes too');
    const { code, output } = await run.done;
    t.is(code, 0, output);
    t.deepEqual(
      events(output, 'connected').map((c) => c.fields.resumed),
      ['0', '1', '1'],
      output,
    );
    t.deepEqual(
      events(output, 'connected').map((c) => c.fields.exporter),
      [first.exporter, second.exporter, third.exporter],
    );
    t.deepEqual(dataOf(output), ['full', 'resumed', 'resumed']);
  } finally {
    pem.remove();
  }
});

test('dtls13 client → BoringSSL server: a ticket resumes across server restarts with the same ticket key, not with another key', async (t) => {
  const id = identity('p256');
  const pem = writePem(id);
  try {
    const serve = async (key: string, session?: Uint8Array) => {
      const { port, run } = await startBoringServer(pem, ['--ticket-key', key]);
      const r = await oneConnection(port, id.caDer, session);
      const { code, output } = await run.done;
      t.is(code, 0, output);
      t.is(connectedOf(output).resumed, r.resumed ? '1' : '0', output);
      return r;
    };
    const first = await serve(hex48(0x11));
    t.false(first.resumed);
    t.true((await serve(hex48(0x11), first.ticket)).resumed, 'same key: resumed');
    t.false((await serve(hex48(0x22), first.ticket)).resumed, 'another key: the ticket is not taken, a full handshake instead');
  } finally {
    pem.remove();
  }
});

test('BoringSSL client → dtls13 server: the client saves our ticket (SSL_SESSION_to_bytes) and resumes with it in a second run', async (t) => {
  const id = identity('p256');
  const dir = tempDir();
  const file = join(dir.dir, 'session.bin');
  try {
    const s = await serveBoringClient(id, { ticketKeys }, [], {
      runs: [
        ['--session-out', file, '--send', 'full'],
        ['--session-in', file, '--send', 'resumed'],
      ],
    });
    t.is(s.code, 0, s.output);
    t.true(existsSync(file));
    t.true(events(s.output, 'ticket').length >= 1, 'the client took our NewSessionTicket');
    t.deepEqual(
      s.handshakes.map((p) => p.resumed),
      [false, true],
      s.output,
    );
    t.deepEqual(
      events(s.output, 'connected').map((c) => c.fields.resumed),
      ['0', '1'],
    );
    t.deepEqual(
      events(s.output, 'connected').map((c) => c.fields.exporter),
      s.exporters,
    );
    t.deepEqual(s.received, [['full'], ['resumed']]);
    t.is(s.handshakes[1]?.pskMode, 'psk_dhe_ke');
    t.is(s.handshakes[1]?.peerCertificate, undefined);
  } finally {
    dir.remove();
  }
});

test('BoringSSL client → dtls13 server: a ticket from a server with other ticket keys is not taken (full handshake)', async (t) => {
  const id = identity('p256');
  const dir = tempDir();
  const file = join(dir.dir, 'session.bin');
  try {
    const first = await serveBoringClient(id, { ticketKeys }, ['--session-out', file, '--send', 'full']);
    t.is(first.code, 0, first.output);
    const second = await serveBoringClient(id, { ticketKeys: new Uint8Array(32).fill(0x43) }, ['--session-in', file, '--send', 'again']);
    t.is(second.code, 0, second.output);
    t.deepEqual(
      second.handshakes.map((p) => p.resumed),
      [false],
    );
    t.is(connectedOf(second.output).resumed, '0');
  } finally {
    dir.remove();
  }
});
