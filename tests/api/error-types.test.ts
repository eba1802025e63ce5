import test from 'ava';
import { randomBytes } from 'node:crypto';
import { ConfigError, connect, listen, type DtlsError } from '../../runtime/index.js';
import { pemIdentity } from './fixtures.js';

/**
 * Issue 60: every configuration error names the option, what it expects and what was given, with its type when the
 * type is what is wrong (Node's "Received type string ('33732')"), under Node's codes; errors handed to the listener's
 * `onhandshakeerror` carry `code` and `alert` as the session's do; OpenSSL's `@` commands written straight after a
 * suite name are skipped as the docs say.
 */
const id = pemIdentity('localhost');

function configError(t: import('ava').ExecutionContext, fn: () => unknown): ConfigError {
  const e = t.throws(fn);
  if (!(e instanceof ConfigError)) throw new Error(`not a ConfigError: ${String(e)}`);
  return e;
}

test('a port given as a string: ERR_INVALID_ARG_TYPE, and the message shows it is a string', (t) => {
  const e = configError(t, () => connect('127.0.0.1', '33732' as unknown as number));
  t.is(e.code, 'ERR_INVALID_ARG_TYPE');
  t.is(e.option, 'port');
  t.regex(e.message, /got type string \('33732'\)/);
});

test('a port out of range: ERR_OUT_OF_RANGE, as docs/node-dtls.md promises', (t) => {
  const e = configError(t, () => connect('127.0.0.1', 70000));
  t.is(e.code, 'ERR_OUT_OF_RANGE');
  t.regex(e.message, /port: must be an integer in 1\.\.65535, got 70000/);
  const l = configError(t, () => listen(() => {}, { ...id, host: '127.0.0.1', port: 70000 }));
  t.is(l.code, 'ERR_OUT_OF_RANGE');
});

test("handshakeTimeout: '5000' is named a string, not a number out of range", (t) => {
  const e = configError(t, () =>
    connect('127.0.0.1', 4433, { ca: id.ca, handshakeTimeout: '5000' as unknown as number }),
  );
  t.is(e.code, 'ERR_INVALID_ARG_TYPE');
  t.regex(e.message, /handshakeTimeout: must be an integer in 0\.\.\d+, got type string \('5000'\)/);
});

test('a host that is not a string: ERR_INVALID_ARG_TYPE naming what was given', (t) => {
  const e = configError(t, () => connect(4433 as unknown as string, 4433));
  t.is(e.code, 'ERR_INVALID_ARG_TYPE');
  t.regex(e.message, /host: .*got type number \(4433\)/);
});

test("ciphers: an OpenSSL '@SECLEVEL=0' after a suite name is skipped; an unknown name lists every suite, PSK ones too", async (t) => {
  const key = randomBytes(32);
  const listener = listen((s) => (s.onmessage = (m) => s.send(m)), {
    psk: { device: key },
    host: '127.0.0.1',
    maxVersion: 'DTLSv1.2',
    ciphers: 'PSK-AES128-CCM8@SECLEVEL=0',
    allowCcm8: true,
  });
  const { port } = await listener.listening;
  const client = connect('127.0.0.1', port, {
    psk: { identity: 'device', key },
    maxVersion: 'DTLSv1.2',
    ciphers: 'PSK-AES128-CCM8@SECLEVEL=0',
    allowCcm8: true,
  });
  try {
    await client.opened;
    t.is(client.parameters?.cipherSuite, 'tls_psk_with_aes_128_ccm_8');
  } finally {
    client.destroy();
    await listener.close();
  }
  const e = configError(t, () => connect('127.0.0.1', port, { ca: id.ca, ciphers: 'NO-SUCH-SUITE-SHA1' }));
  for (const name of [
    'PSK-AES128-CCM8',
    'PSK-AES128-GCM-SHA256',
    'ECDHE-PSK-CHACHA20-POLY1305',
    'TLS_AES_128_GCM_SHA256',
  ])
    t.true(e.message.includes(name), name);
});

test('onhandshakeerror: a refusal before any session has a code and the alert (a 1.2-only client at a 1.3-only listener)', async (t) => {
  const errors: DtlsError[] = [];
  const listener = listen(() => {}, { ...id, host: '127.0.0.1', minVersion: 'DTLSv1.3' });
  const told = new Promise<void>((resolve) => {
    listener.onhandshakeerror = (e) => {
      errors.push(e);
      resolve();
    };
  });
  const { port } = await listener.listening;
  const client = connect('127.0.0.1', port, {
    ca: id.ca,
    servername: 'localhost',
    maxVersion: 'DTLSv1.2',
    handshakeTimeout: 10_000,
  });
  client.onerror = () => {};
  try {
    await t.throwsAsync(client.opened);
    await told;
    t.is(errors[0]?.code, 'ERR_DTLS_ALERT');
    t.is(errors[0]?.alert, 'protocol_version');
  } finally {
    client.destroy();
    await listener.close();
  }
});
