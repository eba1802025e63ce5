import test from 'ava';
import { ConfigError } from '../../runtime/config-error.js';
import { connect } from '../../runtime/api/connect.js';
import { listen } from '../../runtime/api/listener.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { credentials, echoServer } from './negotiation-support.js';

/**
 * X25519MLKEM768 is a TLS 1.3 group: an end whose `groups` names only it
 * speaks DTLS 1.3 and leaves 1.2 out of its default range (1.2 would have
 * no key exchange it allows), rather than refusing to start. Found by the
 * interop (NSS) and small-MTU suites once listen/connect enabled 1.2 by
 * default: every post-quantum-only listener threw a ConfigError.
 */

const id = makeIdentity('p256', 'localhost');
const { ca, cert, key } = credentials(id);

test('a listener with groups [x25519mlkem768] and the default range starts, answers 1.3 with the hybrid group, and refuses a 1.2-only client with protocol_version', async (t) => {
  const s = await echoServer(id, { groups: ['x25519mlkem768'] });
  try {
    const c = connect('127.0.0.1', s.port, { ca, servername: 'localhost', groups: ['x25519mlkem768'] });
    t.deepEqual(await c.opened, { protocol: 'DTLSv1.3' });
    t.is(c.parameters?.group, 'x25519mlkem768');
    await c.close();
    const old = connect('127.0.0.1', s.port, {
      ca,
      servername: 'localhost',
      maxVersion: 'DTLSv1.2',
      handshakeTimeout: 5000,
    });
    const e = await t.throwsAsync(old.opened);
    t.regex(e?.message ?? '', /protocol_version/);
  } finally {
    await s.listener.close();
  }
});

test('a client with groups [x25519mlkem768] and the default range offers 1.3 only: a 1.2-only listener refuses it with protocol_version', async (t) => {
  const s = await echoServer(id, { maxVersion: 'DTLSv1.2' });
  try {
    // mtu 1400: the hybrid key share's ClientHello in one datagram (a fragmented first ClientHello is taken by the 1.3 path only).
    const c = connect('127.0.0.1', s.port, {
      ca,
      servername: 'localhost',
      groups: ['x25519mlkem768'],
      mtu: 1400,
      handshakeTimeout: 5000,
    });
    const e = await t.throwsAsync(c.opened);
    t.regex(e?.message ?? '', /protocol_version/);
    t.regex(s.refusals.join('\n'), /protocol_version/);
  } finally {
    await s.listener.close();
  }
});

test('with a 1.2-only range, groups naming no DTLS 1.2 group is a ConfigError naming groups, on listen and on connect', async (t) => {
  const listener = listen(() => {}, {
    cert,
    key,
    host: '127.0.0.1',
    groups: ['x25519mlkem768'],
    maxVersion: 'DTLSv1.2',
  });
  const l = await t.throwsAsync(listener.listening, { instanceOf: ConfigError });
  t.is(l?.option, 'groups');
  const c = t.throws(() => connect('127.0.0.1', 9, { ca, groups: ['x25519mlkem768'], maxVersion: 'DTLSv1.2' }), {
    instanceOf: ConfigError,
  });
  t.is(c?.option, 'groups');
});
