import test from 'ava';
import { listen, type DtlsSession } from '../../runtime/index.js';
import { identity } from './sessions.js';
import { pemOf, runWolf, writePem } from './wolfssl.js';

/**
 * Issue 55, defect 2, against wolfSSL 5.7.2's example client: `-r -0`
 * resumes with 0-RTT data ("A drop of info") and then sends "resuming
 * wolfssl!", reading one reply. `listen` runs the README's echo handler
 * (`s.onmessage = (m) => s.send(m)`) with `maxEarlyData`: the echo of the
 * early data used to throw ERR_INVALID_STATE in the handler and end the
 * session, so wolfSSL saw its early data accepted and no reply. Now the
 * echo is held until the handshake completes and is the first reply
 * wolfSSL reads; the session ends cleanly, the second echo sent too.
 */

const EARLY = 'A drop of info';

test('wolfSSL client (-r -0) ↔ listen with the echo handler and maxEarlyData: the early data is echoed, nothing fails', async (t) => {
  const id = identity('p256');
  const pem = writePem(id);
  const sessions: { session: DtlsSession; received: { text: string; early: boolean }[]; errors: Error[] }[] = [];
  const listener = listen(
    (s) => {
      const seen = { session: s, received: [] as { text: string; early: boolean }[], errors: [] as Error[] };
      sessions.push(seen);
      s.onerror = (e) => seen.errors.push(e);
      s.onmessage = (m, early) => {
        seen.received.push({ text: m.toString(), early });
        s.send(m);
      };
    },
    // wolfSSL's client resumes only when its legacy_session_id is echoed (tests/interop/wolfssl-sessions.test.ts).
    { ...pemOf(id), host: '127.0.0.1', maxEarlyData: 4096, echoLegacySessionId: true },
  );
  try {
    const { port } = await listener.listening;
    const { code, output } = await runWolf('client', ['-u', '-v', '4', '-p', String(port), '-A', pem.ca, '-r', '-0'])
      .done;
    t.is(code, 0, output);
    t.regex(output, /reused session id/, output);
    t.is(sessions.length, 2, output);
    const resumed = sessions[1]!;
    await resumed.session.closed.catch(() => undefined);
    t.deepEqual(resumed.received[0], { text: EARLY, early: true }, 'the early data came as early data');
    t.true(
      resumed.received.some((m) => !m.early && m.text.startsWith('resuming wolfssl!')),
      JSON.stringify(resumed.received),
    );
    t.true(output.includes(EARLY), `wolfSSL read the echo of its early data:\n${output}`);
    t.deepEqual(resumed.errors, [], 'the session did not fail');
    t.is(resumed.session.stats.messagesSent, resumed.received.length, 'every message echoed');
  } finally {
    await listener.close();
    pem.remove();
  }
});
