/**
 * PEM blocks of a credential option (runtime/pki/pem-blocks.ts, RFC 7468 §2, RFC 1421 headers): every block with its
 * label, position, text and decoded body; text around blocks ignored; a broken block — BEGIN without END, a
 * mismatched END, an empty or non-base64 body, a truncated file — a ConfigError naming the option and the block.
 */
import test from 'ava';
import { ConfigError } from '../../runtime/config-error.js';
import { parsePemBlocks } from '../../runtime/pki/pem-blocks.js';

const der = Uint8Array.from({ length: 100 }, (_, i) => (i * 13) & 0xff);
const b64 = Buffer.from(der).toString('base64');
const block = (label: string, body = b64, headers = ''): string =>
  `-----BEGIN ${label}-----\n${headers}${body.match(/.{1,64}/g)!.join('\n')}\n-----END ${label}-----\n`;

test('blocks in order with label, position, text and body; text around them ignored', (t) => {
  const text = `subject=CN=x\n${block('CERTIFICATE')}between\n${block('PRIVATE KEY')}trailer`;
  const blocks = parsePemBlocks(text, 'cert');
  t.deepEqual(
    blocks.map((b) => [b.position, b.label, b.encrypted]),
    [
      [1, 'CERTIFICATE', false],
      [2, 'PRIVATE KEY', false],
    ],
  );
  t.deepEqual(blocks[0]!.der, der);
  t.is(blocks[1]!.text, block('PRIVATE KEY').trimEnd());
  t.deepEqual(parsePemBlocks('no PEM here', 'cert'), []);
});

test('CRLF line ends and a traditional encrypted key with RFC 1421 headers', (t) => {
  const crlf = block('CERTIFICATE').replace(/\n/g, '\r\n');
  t.deepEqual(parsePemBlocks(crlf, 'cert')[0]!.der, der);
  const headers = 'Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00112233445566778899AABBCCDDEEFF\n\n';
  const [key] = parsePemBlocks(block('RSA PRIVATE KEY', b64, headers), 'key');
  t.true(key!.encrypted);
  t.deepEqual(key!.der, der, 'the headers are not part of the body');
});

test('broken blocks are ConfigErrors naming the option and the block', (t) => {
  const cases: [string, RegExp][] = [
    [`-----BEGIN CERTIFICATE-----\n${b64}\n`, /PEM block 1 \(CERTIFICATE\): BEGIN without END/],
    [`${block('CERTIFICATE')}-----BEGIN CERTIFICATE-----\n${b64}\n${block('X')}`, /PEM block 2 .*BEGIN without END/],
    [`-----BEGIN CERTIFICATE-----\n${b64}\n-----END KEY-----\n`, /BEGIN CERTIFICATE ends with END KEY/],
    [`-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE\n`, /malformed END line/],
    ['-----BEGIN CERTIFICATE-----\n\n-----END CERTIFICATE-----\n', /empty body/],
    [block('CERTIFICATE', `${b64.slice(0, -4)}!!!!`), /not valid base64/],
    [block('CERTIFICATE', b64.slice(0, -1)), /not valid base64/],
  ];
  for (const [text, message] of cases) {
    const error = t.throws(() => parsePemBlocks(text, 'cert[1]'), { instanceOf: ConfigError });
    t.is(error?.option, 'cert[1]');
    t.regex(error?.message ?? '', message);
  }
});

test('every truncation of a PEM file is a ConfigError or fewer blocks, never another error', (t) => {
  const text = block('CERTIFICATE') + block('PRIVATE KEY');
  for (let n = 0; n < text.length; n++) {
    try {
      t.true(parsePemBlocks(text.slice(0, n), 'cert').length <= 2);
    } catch (e) {
      t.true(e instanceof ConfigError, `${n} characters: ${String(e)}`);
    }
  }
});
