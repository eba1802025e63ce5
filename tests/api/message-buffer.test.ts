/**
 * The Buffer `onmessage` gets (runtime/api/message-inbox.ts `handedOver`), over real sockets in both versions and
 * both `messageBuffers` modes: a Buffer to every test an application makes of one, viewing the message's bytes where
 * the connection left them (no copy).
 */
import test from 'ava';
import { inspect } from 'node:util';
import type { DtlsSession } from '../../runtime/index.js';
import { echoPair } from './echo-pair.js';
import { until } from '../node/support.js';

for (const maxVersion of ['DTLSv1.3', 'DTLSv1.2'] as const)
  for (const messageBuffers of ['batch', 'own'] as const)
    test(`${maxVersion}, '${messageBuffers}': the message handed out is a Buffer in every way`, async (t) => {
      const pair = await echoPair({ messageBuffers, maxVersion }, { maxVersion });
      try {
        const got: Buffer[] = [];
        (pair.server as DtlsSession).onmessage = (data) => void got.push(data);
        pair.client.send(Buffer.from('0102abcdef', 'hex'));
        await until(() => got.length === 1);
        const m = got[0]!;
        t.true(Buffer.isBuffer(m));
        t.true(m instanceof Buffer);
        t.is(m.constructor, Buffer);
        t.is(m.toString('hex'), '0102abcdef');
        t.is(m.readUInt16BE(0), 0x0102);
        t.true(m.equals(Buffer.from('0102abcdef', 'hex')));
        t.deepEqual(m.toJSON(), { type: 'Buffer', data: [1, 2, 0xab, 0xcd, 0xef] });
        t.is(inspect(m), '<Buffer 01 02 ab cd ef>');
        const part = m.subarray(1, 3);
        t.true(Buffer.isBuffer(part));
        t.is(part.toString('hex'), '02ab');
        t.true(Buffer.isBuffer(m.slice(2)));
        // The message views its bytes where they were opened: a write through it is seen by a view of the same memory.
        const same = new Uint8Array(m.buffer, m.byteOffset, m.length);
        m[0] = 0x7f;
        t.is(same[0], 0x7f);
      } finally {
        await pair.close();
      }
    });
