/**
 * credentialItems (runtime/pki/credential-input.ts): node:tls's forms of cert, key and ca. PEM strings and PEM bytes
 * are read as PEM blocks, other bytes as DER (a copy, a plain Uint8Array); each item is named in errors (`ca[2]`);
 * an empty list, an empty item, a non-PEM string, any other type are ConfigErrors naming the option.
 */
import test from 'ava';
import { ConfigError } from '../../runtime/config-error.js';
import { checkCredentialTypes, credentialItems, pemLabel } from '../../runtime/pki/credential-input.js';
import { certificateToPem } from '../../runtime/pki/pem.js';
import { makeIdentity } from '../support/pki-fixtures.js';

const id = makeIdentity('p256', 'a.test');
const pem = certificateToPem(id.chain[0]!);

test('PEM as a string or as bytes (leading blank lines too), DER as bytes, one item or a list', (t) => {
  const [fromString] = credentialItems('cert', pem);
  t.is(fromString!.option, 'cert');
  t.deepEqual(fromString!.pem![0]!.der, id.chain[0]);
  t.is(fromString!.der, undefined);
  const [fromBytes] = credentialItems('cert', Buffer.from(`\n  ${pem}`));
  t.deepEqual(fromBytes!.pem![0]!.der, id.chain[0]);
  const items = credentialItems('ca', [pem, Buffer.from(id.caDer)]);
  t.deepEqual(
    items.map((i) => i.option),
    ['ca[0]', 'ca[1]'],
  );
  t.is(items[1]!.pem, undefined);
  t.deepEqual(items[1]!.der, id.caDer);
});

test('DER is copied into a plain Uint8Array', (t) => {
  const buffer = Buffer.from(id.caDer);
  const [item] = credentialItems('ca', buffer);
  t.false(Buffer.isBuffer(item!.der));
  buffer[0] = 0;
  t.is(item!.der![0], id.caDer[0], 'a copy');
});

test('bad input: ConfigErrors naming the option or the item', (t) => {
  t.is(t.throws(() => credentialItems('ca', []), { instanceOf: ConfigError }).option, 'ca');
  t.is(t.throws(() => credentialItems('cert', new Uint8Array(0)), { instanceOf: ConfigError }).option, 'cert');
  t.is(t.throws(() => credentialItems('ca', [pem, 'MIIB...']), { instanceOf: ConfigError }).option, 'ca[1]');
  t.is(t.throws(() => credentialItems('key', 42 as unknown as string), { instanceOf: ConfigError }).option, 'key');
  t.is(
    t.throws(() => credentialItems('ca', [pem, pem, null as unknown as string]), { instanceOf: ConfigError }).option,
    'ca[2]',
  );
  t.is(
    t.throws(() => credentialItems('cert', '-----BEGIN CERTIFICATE-----\nnot base64!\n'), { instanceOf: ConfigError })
      .option,
    'cert',
  );
});

test("an item that is no string or bytes is ERR_INVALID_ARG_TYPE (node:tls's code) saying the type it got", (t) => {
  for (const check of [credentialItems, checkCredentialTypes]) {
    const e = t.throws(() => check('cert', 42 as unknown as string), { instanceOf: ConfigError });
    t.is(e.option, 'cert');
    t.is(e.code, 'ERR_INVALID_ARG_TYPE');
    t.regex(
      e.reason,
      /^must be a PEM string, a Buffer or Uint8Array \(PEM or DER\), or an array of them; got type number \(42\)$/,
    );
    const inList = t.throws(() => check('ca', [pem, { der: id.caDer }] as unknown as string[]), {
      instanceOf: ConfigError,
    });
    t.is(inList.option, 'ca[1]');
    t.is(inList.code, 'ERR_INVALID_ARG_TYPE');
    t.regex(inList.reason, /got an instance of Object$/);
  }
  t.notThrows(() => checkCredentialTypes('ca', [pem, id.caDer, Buffer.from(pem)]));
  // A wrong value of the right type stays ERR_INVALID_ARG_VALUE.
  t.is(
    t.throws(() => credentialItems('cert', 'server.crt'), { instanceOf: ConfigError }).code,
    'ERR_INVALID_ARG_VALUE',
  );
});

test("pemLabel: the first block's label of PEM text as a string or bytes, undefined for DER and other values", (t) => {
  t.is(pemLabel(pem), 'CERTIFICATE');
  t.is(pemLabel(Buffer.from(`\r\n ${pem}`)), 'CERTIFICATE');
  t.is(pemLabel(id.chain[0]), undefined);
  t.is(pemLabel('server.crt'), undefined);
  t.is(pemLabel(42), undefined);
});
