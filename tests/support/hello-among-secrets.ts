import type { DtlsSession } from '../../runtime/index.js';
import { nextMessage } from '../api/fixtures.js';
import { until } from '../node/support.js';
import type { NamedEchoServer } from './named-echo-server.js';

/** What session A sends: its bytes must never be reachable from session B's messages. */
export const SECRET = 'SECRET-of-session-A-';

/**
 * Session `a` sends 20 secrets, `b` a 'hello' the server echoes, `a` 20 more (in memory shared across sessions they would
 * sit right before and after B's message): B's message at the server and its echo at the client, by where they are.
 */
export async function helloAmongSecrets(
  bed: NamedEchoServer,
  a: DtlsSession,
  b: DtlsSession,
): Promise<readonly (readonly ['server' | 'client', Buffer])[]> {
  const secrets = (from: number): string[] =>
    Array.from({ length: 20 }, (_, i) => `${SECRET}${from + i}`.padEnd(200, '.'));
  for (const s of secrets(0)) a.send(s);
  await until(() => (bed.received.get('SECRET')?.length ?? 0) === 20);
  const bReceived = nextMessage(b);
  b.send('hello');
  const echoed = await bReceived;
  for (const s of secrets(20)) a.send(s);
  await until(() => (bed.received.get('SECRET')?.length ?? 0) === 40);
  if (bed.received.get('SECRET')?.length !== 40) throw new Error('the server did not get all 40 secrets');
  return [
    ['server', bed.received.get('hello')![0]!],
    ['client', echoed],
  ];
}
