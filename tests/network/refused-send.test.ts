/**
 * Nothing lost when the socket refuses a datagram: a send whose datagram the kernel refused (the connected socket's
 * pending ICMP fragmentation-needed, EMSGSIZE) hears the error in its callback instead of `null`, and nothing is
 * reported sent that the server did not receive. Each version runs refused-send.ts in a network namespace of its own
 * (tests/support/netns.ts), so the path MTU the forged ICMP teaches the kernel stays there.
 */
import test from 'ava';
import { fileURLToPath } from 'node:url';
import { TestBed } from '../support/netns.js';

const CHILD = fileURLToPath(new URL('./refused-send.ts', import.meta.url));

interface Outcome {
  readonly version: string;
  readonly first: string;
  readonly second: string;
  readonly echo: number;
  readonly received: readonly number[];
  readonly maxBefore: number;
  readonly maxAfter: number;
}

for (const version of ['DTLSv1.3', 'DTLSv1.2'] as const) {
  test(`${version}: a datagram the socket refused (EMSGSIZE) is reported to its send, never as sent`, async (t) => {
    const bed = new TestBed();
    t.teardown(() => bed.destroy());
    const ns = bed.namespace('refused');
    const { code, stdout, stderr } = await bed.nodeOutput(ns, CHILD, [version]);
    t.is(code, 0, stderr);
    const o = JSON.parse(stdout) as Outcome;
    t.is(o.version, version);
    // The refused message: its callback has the socket's error, and the server never saw it.
    t.is(o.first, 'EMSGSIZE');
    t.false(o.received.includes(100), `the server received the message reported refused: ${o.received.join(', ')}`);
    // The next one leaves, is received and echoed; one send() now fits the 576-byte path (RFC 9147 §4.4's 548 bytes).
    t.is(o.second, 'null');
    t.deepEqual(o.received, [200]);
    t.is(o.echo, 200);
    t.true(o.maxAfter < o.maxBefore && o.maxAfter <= 548, `maxMessageSize ${o.maxBefore} -> ${o.maxAfter}`);
  });
}
