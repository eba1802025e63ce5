import test from 'ava';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ConfigError } from '../../../runtime/index.js';
import { parseTicketKeys } from '../../../runtime/api/workers/ticket-key-file.js';
import { clientOn, workersServer } from './support.js';
import { workersTest } from './workers-test.js';

/**
 * ticketKeyFile: the keys every worker (and every host reading the same
 * file) seals and opens tickets with, re-read when the file changes.
 */

test('the file holds hex lines or raw keys; anything else is a ConfigError naming the file and what is wrong', (t) => {
  const a = randomBytes(32);
  const b = randomBytes(32);
  t.deepEqual(parseTicketKeys(Buffer.from(`${a.toString('hex')}\n${b.toString('hex')}\n`), 'k'), [
    new Uint8Array(a),
    new Uint8Array(b),
  ]);
  t.deepEqual(parseTicketKeys(Buffer.concat([a, b]), 'k'), [new Uint8Array(a), new Uint8Array(b)]);
  t.throws(() => parseTicketKeys(Buffer.from('abcd\n'), 'k'), {
    instanceOf: ConfigError,
    message: /option ticketKeyFile: k: key 0 has 4 hex digits/,
  });
  t.throws(() => parseTicketKeys(Buffer.alloc(33), 'k'), { instanceOf: ConfigError, message: /holds 33 bytes/ });
  t.throws(() => workersServer(t, { ticketKeyFile: '/no/such/file' }), {
    instanceOf: ConfigError,
    message: /option ticketKeyFile: \/no\/such\/file cannot be read/,
  });
});

workersTest(
  'rotation: a ticket sealed under a key the file no longer holds does not resume; one sealed under the new key does, on either worker',
  async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'dtls13-keys-'));
    const file = join(dir, 'ticket-keys');
    const old = randomBytes(32).toString('hex');
    writeFileSync(file, `${old}\n`);
    const server = workersServer(t, { ticketKeyFile: file });
    const { port } = await server.listening;
    const before = await clientOn(t, port, 0);
    await before.ticket;
    const oldTicket = before.session!;
    await before.close();
    // The new key only: the old one retired (its tickets are refused and the client makes a full handshake).
    writeFileSync(file, `${randomBytes(32).toString('hex')}\n`);
    let retired = false;
    for (let tries = 0; tries < 60 && !retired; tries++) {
      const probe = await clientOn(t, port, tries % 2, { session: oldTicket });
      retired = !probe.reused;
      await probe.close();
      if (!retired) await new Promise((r) => setTimeout(r, 250));
    }
    t.true(retired, 'the old key was dropped on both workers once the file changed');
    const after = await clientOn(t, port, 0);
    await after.ticket;
    const newTicket = after.session!;
    await after.close();
    const resumed = await clientOn(t, port, 1, { session: newTicket });
    t.true(resumed.reused, 'a ticket of the new key resumes on the other worker');
    await resumed.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  },
);
