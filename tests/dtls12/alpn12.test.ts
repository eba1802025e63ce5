import test from 'ava';
import { DtlsConnection, type DtlsOptions } from '../../runtime/connection/connection.js';
import { encodeSession12 } from '../../runtime/dtls12/session-blob.js';
import { state12Of } from '../support/inside12.js';
import type { ConnectionEvent } from '../../runtime/shared/events.js';
import { SessionCache12 } from '../../runtime/dtls12/session.js';
import { ConfigError } from '../../runtime/config-error.js';
import { encodeAlpnName } from '../../runtime/session/alpn.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { rewriteServerHello } from './hello-tamper12.js';
import { pair12, pump, type Pair12 } from './pair12.js';

/**
 * ALPN (RFC 7301) in the DTLS 1.2 handshake, in memory: the `alpn` option
 * the 1.3 connection reads, answered in the ServerHello by the server's
 * preference or its function; no overlap is no_application_protocol; a
 * server or client without ALPN negotiates none; and a client refuses an
 * answer it did not offer (unsupported_extension) or a name it did not
 * offer (illegal_parameter), never throwing.
 */

const now = Date.now();
const id = makeIdentity('p256', 'server.test', { at: now });
const certificate = { chain: id.chain, privateKey: id.privateKey };

function run(client: DtlsOptions, server: DtlsOptions, tap?: Parameters<typeof pump>[1]): Pair12 {
  const p = pair12(
    DtlsConnection.client({ maxVersion: 'DTLSv1.2', trustAnchors: [id.caDer], serverName: 'server.test', ...client }),
    DtlsConnection.server({ maxVersion: 'DTLSv1.2', certificate, ...server }),
  );
  p.client.connect(0);
  pump(p, tap);
  return p;
}

const alerts = (events: readonly ConnectionEvent[], sent: boolean): string[] =>
  events.flatMap((e) => (e.type === 'alert' && e.sent === sent ? [String(e.description)] : []));

test('the server picks by its own preference; both ends report it', (t) => {
  const p = run({ alpn: ['h2', 'coap', 'webrtc'] }, { alpn: ['webrtc', 'coap'] });
  t.is(p.client.state, 'connected', JSON.stringify(p.client.failure));
  t.is(state12Of(p.client).negotiated?.alpnProtocol, 'webrtc');
  t.is(state12Of(p.server).negotiated?.alpnProtocol, 'webrtc');
  const done = p.events.client.find((e) => e.type === 'handshakeComplete');
  t.is(
    done?.type === 'handshakeComplete' ? done.parameters.alpnProtocol : 'none',
    'webrtc',
    'the handshakeComplete event carries it',
  );
});

test('a server function sees the offer and the server name, and its answer is taken', (t) => {
  let seen: { offered: readonly string[]; name: string | undefined } | undefined;
  const p = run(
    { alpn: ['coap', 'h2'] },
    {
      alpn: (offered, name) => {
        seen = { offered, name };
        return offered[1];
      },
    },
  );
  t.deepEqual(seen, { offered: ['coap', 'h2'], name: 'server.test' });
  t.is(state12Of(p.client).negotiated?.alpnProtocol, 'h2');
  t.is(state12Of(p.server).negotiated?.alpnProtocol, 'h2');
});

test('no protocol in common: the server ends the handshake with no_application_protocol', (t) => {
  const p = run({ alpn: ['h2'] }, { alpn: ['coap'] });
  t.is(p.server.state, 'failed');
  t.is(p.server.failure?.alert, 'no_application_protocol');
  t.deepEqual(alerts(p.events.client, false), ['no_application_protocol']);
  t.is(p.client.state, 'failed');
});

test('a function that names a protocol the client did not offer is no_application_protocol too', (t) => {
  const p = run({ alpn: ['h2'] }, { alpn: () => 'coap' });
  t.is(p.server.failure?.alert, 'no_application_protocol');
});

test('one side without ALPN: nothing negotiated, the handshake goes on', (t) => {
  for (const [client, server] of [
    [{ alpn: ['h2'] }, {}],
    [{}, { alpn: ['h2'] }],
  ] as const) {
    const p = run(client, server);
    t.is(p.client.state, 'connected');
    t.is(state12Of(p.client).negotiated?.alpnProtocol, undefined);
    t.is(state12Of(p.server).negotiated?.alpnProtocol, undefined);
  }
});

test('a resumed session negotiates ALPN again', (t) => {
  const cache = new SessionCache12();
  const first = run({ alpn: ['coap'] }, { alpn: ['coap'], sessionCache12: cache });
  const session = state12Of(first.client).lastSession;
  t.truthy(session);
  const p = run(
    { alpn: ['coap'], ...(session ? { session: encodeSession12(session) } : {}) },
    { alpn: ['coap'], sessionCache12: cache },
  );
  t.true(state12Of(p.client).negotiated?.resumed);
  t.is(state12Of(p.client).negotiated?.alpnProtocol, 'coap');
  t.is(state12Of(p.server).negotiated?.alpnProtocol, 'coap');
});

test('an ALPN answer naming a protocol we did not offer is illegal_parameter', (t) => {
  const p = run({ alpn: ['h2'] }, { alpn: ['h2'] }, (from, d) =>
    from === 'server'
      ? rewriteServerHello(d, (sh) => ({
          ...sh,
          extensions: sh.extensions.map((e) =>
            e.extensionType === 'application_layer_protocol_negotiation'
              ? {
                  extensionType: e.extensionType,
                  extensionData: { protocolNameList: [{ name: encodeAlpnName('spdy/1') }] },
                }
              : e,
          ),
        }))
      : d,
  );
  t.is(p.client.state, 'failed');
  t.is(p.client.failure?.alert, 'illegal_parameter');
  t.regex(p.client.failure?.message ?? '', /spdy\/1/);
});

test('an ALPN answer with two names is illegal_parameter', (t) => {
  const p = run({ alpn: ['h2', 'coap'] }, { alpn: ['h2'] }, (from, d) =>
    from === 'server'
      ? rewriteServerHello(d, (sh) => ({
          ...sh,
          extensions: sh.extensions.map((e) =>
            e.extensionType === 'application_layer_protocol_negotiation'
              ? {
                  extensionType: e.extensionType,
                  extensionData: {
                    protocolNameList: [{ name: encodeAlpnName('h2') }, { name: encodeAlpnName('coap') }],
                  },
                }
              : e,
          ),
        }))
      : d,
  );
  t.is(p.client.failure?.alert, 'illegal_parameter');
});

test('a ServerHello that answers ALPN the client never offered is unsupported_extension', (t) => {
  const p = run({}, {}, (from, d) =>
    from === 'server'
      ? rewriteServerHello(d, (sh) => ({
          ...sh,
          extensions: [
            ...sh.extensions,
            {
              extensionType: 'application_layer_protocol_negotiation',
              extensionData: { protocolNameList: [{ name: encodeAlpnName('h2') }] },
            },
          ],
        }))
      : d,
  );
  t.is(p.client.state, 'failed');
  t.is(p.client.failure?.alert, 'unsupported_extension');
  t.deepEqual(alerts(p.events.server, false), ['unsupported_extension']);
});

test('a bad alpn option is a ConfigError naming it, for the 1.2 connection too', (t) => {
  const e = t.throws(() => DtlsConnection.client({ maxVersion: 'DTLSv1.2', alpn: [''] }), { instanceOf: ConfigError });
  t.regex(e?.message ?? '', /alpn/);
});
