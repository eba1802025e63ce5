/**
 * The `psk` option's checks (runtime/session/external-psk.ts): a client's `{ identity, key }` or function, a server's
 * identity → key map, object or function. A value of the wrong shape is a ConfigError (ERR_INVALID_ARG_TYPE) saying
 * what it got and the shape wanted, on the side that got it; never a message about an entry the caller did not write.
 */
import test from 'ava';
import { ConfigError, connect, listen } from '../../runtime/index.js';
import { DtlsConnection } from '../../runtime/sans-io.js';
import { clientPskSource, serverPskLookup, type ClientPskOption } from '../../runtime/session/external-psk.js';

const KEY = new Uint8Array(32).fill(5);

function refused(
  t: import('ava').ExecutionContext,
  run: () => unknown,
  option: string,
  code: ConfigError['code'],
  reason: RegExp,
): void {
  const e = t.throws(run, { instanceOf: ConfigError }, reason.source);
  t.is(e?.option, option, reason.source);
  t.is(e?.code, code, reason.source);
  t.regex(e?.reason ?? '', reason);
}

test("psk: 'secret' is a string where a client's { identity, key } or a server's identity → key map is wanted", (t) => {
  const client =
    /^must be \{ identity, key \} \(identity a string or Uint8Array, key a Uint8Array\) or a function .*; got type string \('secret'\)$/;
  const server =
    /^must be identity → key as a Map or an object \(\{ 'device-1': key \}.*; got type string \('secret'\)$/;
  const psk = 'secret' as unknown as ClientPskOption;
  refused(t, () => clientPskSource(psk), 'psk', 'ERR_INVALID_ARG_TYPE', client);
  refused(t, () => serverPskLookup(psk as never), 'psk', 'ERR_INVALID_ARG_TYPE', server);
  refused(t, () => DtlsConnection.client({ psk }), 'psk', 'ERR_INVALID_ARG_TYPE', client);
  refused(t, () => DtlsConnection.server({ psk: psk as never }), 'psk', 'ERR_INVALID_ARG_TYPE', server);
  refused(t, () => connect('127.0.0.1', 9, { psk }), 'psk', 'ERR_INVALID_ARG_TYPE', client);
  refused(t, () => listen(() => {}, { psk: psk as never, host: '127.0.0.1' }), 'psk', 'ERR_INVALID_ARG_TYPE', server);
});

test("a server's psk that is no map (a key alone, a list, a number) or a client's { identity, key } says so", (t) => {
  const shape = /^must be identity → key as a Map or an object .*/;
  for (const [value, got] of [
    [Buffer.from(KEY), /; got an instance of Buffer$/],
    [[KEY], /; got an instance of Array$/],
    [42, /; got type number \(42\)$/],
  ] as const) {
    refused(
      t,
      () => serverPskLookup(value as never),
      'psk',
      'ERR_INVALID_ARG_TYPE',
      new RegExp(shape.source + got.source),
    );
  }
  refused(
    t,
    () => serverPskLookup({ identity: 'device-1', key: KEY } as never),
    'psk',
    'ERR_INVALID_ARG_VALUE',
    /^is a client's \{ identity, key \}: a server takes identity → key/,
  );
  // What the server does take: a Map, a plain object (a null prototype too), each entry a key or { key, hash }.
  const raw = new TextEncoder().encode('device-1');
  t.is(serverPskLookup(new Map([['device-1', KEY]]))?.(raw)?.key, KEY);
  t.is(serverPskLookup(Object.assign(Object.create(null) as object, { 'device-1': KEY }))?.(raw)?.key, KEY);
  t.is(serverPskLookup({ 'device-1': { key: KEY, hash: 'sha384' } })?.(raw)?.hash, 'sha384');
});

test('a psk identity or key of the wrong type is ERR_INVALID_ARG_TYPE with the type received; a bad length stays a value error', (t) => {
  const psk = (identity: unknown, key: unknown): ClientPskOption => ({ identity, key }) as unknown as ClientPskOption;
  refused(
    t,
    () => connect('127.0.0.1', 9, { psk: psk(42, KEY) }),
    'psk',
    'ERR_INVALID_ARG_TYPE',
    /^the identity must be a string or Uint8Array, got type number \(42\)$/,
  );
  refused(
    t,
    () => connect('127.0.0.1', 9, { psk: psk('device-1', 42) }),
    'psk',
    'ERR_INVALID_ARG_TYPE',
    /^the key must be a Uint8Array \(a Buffer\) of 16\.\.255 bytes, got type number \(42\)$/,
  );
  refused(
    t,
    () => connect('127.0.0.1', 9, { psk: psk('device-1', 'secret') }),
    'psk',
    'ERR_INVALID_ARG_TYPE',
    /got type string \('secret'\)$/,
  );
  refused(
    t,
    () => serverPskLookup({ 'device-1': 42 } as never),
    "psk['device-1']",
    'ERR_INVALID_ARG_TYPE',
    /^must be a key \(Uint8Array\) or \{ key, hash \}, got type number \(42\)$/,
  );
  refused(
    t,
    () => serverPskLookup({ 'device-1': { key: 'secret' } } as never),
    "psk['device-1']",
    'ERR_INVALID_ARG_TYPE',
    /^the key must be a Uint8Array .*got type string \('secret'\)$/,
  );
  refused(
    t,
    () => clientPskSource(psk('', KEY)),
    'psk',
    'ERR_INVALID_ARG_VALUE',
    /^the identity must be 1\.\.65535 bytes, got 0$/,
  );
  refused(
    t,
    () => clientPskSource(psk('d', KEY.subarray(0, 8))),
    'psk',
    'ERR_INVALID_ARG_VALUE',
    /^the key must be 16\.\.255 bytes, got 8$/,
  );
  t.deepEqual(clientPskSource(psk('d', KEY))?.(undefined)?.identity, new TextEncoder().encode('d'));
});
