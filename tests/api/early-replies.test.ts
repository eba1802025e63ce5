import test from 'ava';
import {
  connect,
  listen,
  MessageTooLargeError,
  SessionStateError,
  type DtlsSession,
  type DtlsConnectOptions,
} from '../../runtime/index.js';
import { EarlyReplies, MAX_HELD_MESSAGES, MAX_HELD_SEND_BYTES } from '../../runtime/api/early-replies.js';
import { pemIdentity, sleep } from './fixtures.js';

/**
 * Issue 55, defect 2: a server's `send()` in the handler of 0-RTT data.
 * Early data arrives before the handshake completes; the README's echo
 * handler (`s.onmessage = (m) => s.send(m)`) used to throw
 * ERR_INVALID_STATE there and end the session, so the client saw its
 * early data accepted and never got the reply. Now the reply is held and
 * sent when `opened` resolves (early-replies.ts), dtls13 on both ends over
 * real UDP.
 */

const id = pemIdentity('localhost');

type Connected = ReturnType<typeof connect>;

/** A resumable session from a first connection to `port`. */
async function sessionFrom(port: number): Promise<Buffer> {
  const first = connect('127.0.0.1', port, { ca: id.ca, servername: 'localhost' });
  await first.opened;
  for (let waited = 0; first.session === undefined && waited < 5000; waited += 20) await sleep(20);
  await first.close();
  if (first.session === undefined) throw new Error('no ticket from the first connection');
  return first.session;
}

/** A 0-RTT connection with `early` as its early data; every message it receives, in order. */
function resumeWithEarlyData(
  port: number,
  session: Buffer,
  early: string,
  more: Partial<DtlsConnectOptions> = {},
): { c: Connected; got: string[] } {
  const c = connect('127.0.0.1', port, {
    ca: id.ca,
    servername: 'localhost',
    session,
    earlyData: Buffer.from(early),
    ...more,
  });
  const got: string[] = [];
  c.onmessage = (m) => got.push(m.toString());
  return { c, got };
}

async function until(done: () => boolean, ms = 10_000): Promise<void> {
  for (let waited = 0; !done() && waited < ms; waited += 20) await sleep(20);
}

test("the README's echo handler answers 0-RTT data: the reply arrives, the session lives", async (t) => {
  const sessions: DtlsSession[] = [];
  const errors: Error[] = [];
  const listener = listen(
    (s) => {
      sessions.push(s);
      s.onerror = (e) => errors.push(e);
      s.onmessage = (m) => s.send(m);
    },
    { cert: id.cert, key: id.key, host: '127.0.0.1', maxEarlyData: 1024 },
  );
  try {
    const { port } = await listener.listening;
    const session = await sessionFrom(port);
    const { c, got } = resumeWithEarlyData(port, session, 'early hello');
    await c.opened;
    t.is(c.parameters?.earlyData, 'accepted');
    c.send('after the handshake');
    await until(() => got.length >= 2);
    t.deepEqual(got, ['early hello', 'after the handshake'], 'the reply to the early data first, then the other');
    const server = sessions[1]!;
    t.false(server.destroyed, 'the server session lives');
    t.is(server.stats.messagesSent, 2);
    t.deepEqual(errors, []);
    await c.close();
  } finally {
    await listener.close();
  }
});

test('a reply held for early data goes out before what onhandshake sends; its callback hears it was written', async (t) => {
  const written: (Error | null)[] = [];
  const listener = listen(
    (s) => {
      s.onmessage = (m, early) => {
        if (early) s.send(Buffer.concat([Buffer.from('early: '), m]), (e) => written.push(e));
      };
      s.onhandshake = () => s.send('opened');
    },
    { cert: id.cert, key: id.key, host: '127.0.0.1', maxEarlyData: 1024 },
  );
  try {
    const { port } = await listener.listening;
    const session = await sessionFrom(port);
    const { c, got } = resumeWithEarlyData(port, session, 'hi');
    await c.opened;
    await until(() => got.length >= 2 && written.length >= 1);
    t.deepEqual(got, ['early: hi', 'opened']);
    t.deepEqual(written, [null]);
    await c.close();
  } finally {
    await listener.close();
  }
});

test('a session that ends before its handshake completes tells the held reply it was not sent', async (t) => {
  const outcomes: (Error | null)[] = [];
  const listener = listen(
    (s) => {
      s.onmessage = (m, early) => {
        if (!early) return;
        s.send(m, (e) => outcomes.push(e));
        s.destroy(new Error('the application gave up'));
      };
    },
    { cert: id.cert, key: id.key, host: '127.0.0.1', maxEarlyData: 1024 },
  );
  try {
    const { port } = await listener.listening;
    const session = await sessionFrom(port);
    const { c, got } = resumeWithEarlyData(port, session, 'doomed', { handshakeTimeout: 2000 });
    await c.opened.catch(() => undefined);
    await until(() => outcomes.length >= 1);
    t.is(outcomes.length, 1);
    t.true(outcomes[0] instanceof Error, 'the callback got an error, not null');
    t.deepEqual(got, [], 'nothing was sent');
    await c.close().catch(() => undefined);
  } finally {
    await listener.close();
  }
});

test('without early data a send before opened still throws SessionStateError', async (t) => {
  let thrown: unknown;
  const listener = listen(
    (s) => {
      try {
        s.send('too soon');
      } catch (e) {
        thrown = e;
      }
    },
    { cert: id.cert, key: id.key, host: '127.0.0.1', maxEarlyData: 1024 },
  );
  try {
    const { port } = await listener.listening;
    const c = connect('127.0.0.1', port, { ca: id.ca, servername: 'localhost' });
    await c.opened;
    t.true(thrown instanceof SessionStateError);
    await c.close();
  } finally {
    await listener.close();
  }
});

test('held replies are capped in messages and bytes: past either, send throws SessionStateError', (t) => {
  const byCount = new EarlyReplies();
  for (let i = 0; i < MAX_HELD_MESSAGES; i++) byCount.hold(Uint8Array.of(i & 0xff), 1000, 1200, undefined);
  t.throws(() => byCount.hold(Uint8Array.of(1), 1000, 1200, undefined), {
    instanceOf: SessionStateError,
    message: /at most 1024 messages/,
  });
  t.is(byCount.takeAll().length, MAX_HELD_MESSAGES);
  const byBytes = new EarlyReplies();
  const big = new Uint8Array(1000);
  for (let i = 0; i < Math.floor(MAX_HELD_SEND_BYTES / big.length); i++) byBytes.hold(big, 1000, 1200, undefined);
  t.throws(() => byBytes.hold(big, 1000, 1200, undefined), { instanceOf: SessionStateError });
  const kept = new Uint8Array([1, 2, 3]);
  const fresh = new EarlyReplies();
  fresh.hold(kept, 1000, 1200, undefined);
  kept[0] = 9;
  t.deepEqual([...fresh.takeAll()[0]!.bytes], [1, 2, 3], 'a copy: the caller may reuse its buffer');
  t.throws(() => fresh.hold(new Uint8Array(1001), 1000, 1200, undefined), { instanceOf: MessageTooLargeError });
});

test('a session ending with replies held runs none of their callbacks inside its teardown: each gets the error after', async (t) => {
  const replies = new EarlyReplies();
  const told: (Error | null)[] = [];
  let inside = true;
  const callback = (e: Error | null): void => {
    // A callback that throws here (an application bug) would cut the session's teardown short if called inside it.
    t.false(inside, 'called from inside ended(), the session teardown');
    told.push(e);
  };
  replies.hold(Uint8Array.of(1), 1000, 1200, callback);
  replies.hold(Uint8Array.of(2), 1000, 1200, callback);
  const failure = new SessionStateError('the session failed');
  t.notThrows(() => replies.ended(() => failure));
  inside = false;
  await Promise.resolve();
  t.deepEqual(told, [failure, failure]);
  t.is(replies.takeAll().length, 0);
});
