/**
 * `warmUp()` (runtime/api/warm-up.ts): one DTLS 1.3 handshake in
 * memory (listen and connect over transports joined in memory), once per
 * thread, leaving nothing open; real handshakes work after
 * it. What it saves a fresh process is a figure of `npm run bench -- cold`
 * (docs/benchmarks.md), not asserted here. This file runs in a thread of its
 * own (ava), so the first call below is the thread's first.
 */
import test from 'ava';
import { connect, listen, warmUp } from '../../runtime/index.js';
import { pemIdentity } from './fixtures.js';

const id = pemIdentity('localhost');

test.serial(
  'the first call runs the in-memory handshake, later ones do nothing; a real handshake follows',
  async (t) => {
    t.true(await warmUp());
    t.false(await warmUp());
    const endpoint = listen(() => {}, { cert: id.cert, key: id.key, host: '127.0.0.1' });
    t.teardown(() => endpoint.close());
    const { port } = await endpoint.listening;
    const client = connect('127.0.0.1', port, { ca: id.ca, servername: 'localhost' });
    await client.opened;
    t.is(client.protocol, 'DTLSv1.3');
    await client.close();
  },
);
