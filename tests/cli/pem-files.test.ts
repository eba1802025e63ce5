/**
 * The certificate files and addresses of `dtls13 client`, `server` and `learn` (cli/pem-files.ts): a broken file is
 * named by the flag it came with and its path (not the library's `option pem[0]`), and a port out of range is said to
 * be out of range (not "must be HOST:PORT").
 */
import test from 'ava';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeIdentity } from '../support/pki-fixtures.js';
import { writePem } from '../interop/wolfssl.js';
import { hostPort, loadCertificates } from '../../cli/pem-files.js';
import { CliUsageError } from '../../cli/usage-error.js';
import { dtls13 } from './cli-process.js';

const pem = writePem(makeIdentity('p256', 'localhost', { at: Date.now() }));
const dir = mkdtempSync(join(tmpdir(), 'dtls13-pem-files-'));
test.after.always(() => {
  pem.remove();
  rmSync(dir, { recursive: true, force: true });
});

/** A file of `text` in the test's folder. */
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const badBase64 = file('bad-base64.pem', '-----BEGIN CERTIFICATE-----\nMII!!not base64\n-----END CERTIFICATE-----\n');

test('dtls13 client -cert bad.pem: the flag and the file are named, with what is wrong in the block; exit 2', async (t) => {
  const r = await dtls13(['client', '-connect', '127.0.0.1:9', '-CAfile', pem.ca, '-cert', badBase64, '-key', pem.key])
    .done;
  t.is(r.code, 2, r.stderr);
  t.is(
    r.stderr.split('\n')[0],
    `dtls13 client: --cert ${badBase64}: PEM block 1 (CERTIFICATE): the body is not valid base64`,
  );
  t.notRegex(r.stderr, /pem\[0\]/);
});

test('dtls13 server -cert with a key file in it: the flag, the file and the block found', async (t) => {
  const r = await dtls13(['server', '-accept', '0', '-cert', pem.key, '-key', pem.key]).done;
  t.is(r.code, 2, r.stderr);
  t.is(r.stderr.split('\n')[0], `dtls13 server: --cert ${pem.key}: no CERTIFICATE block (found PRIVATE KEY)`);
});

test('dtls13 client -connect host:99999: the port is out of range 1..65535; exit 2', async (t) => {
  const r = await dtls13(['client', '-connect', 'host:99999', '-CAfile', pem.ca]).done;
  t.is(r.code, 2, r.stderr);
  t.is(r.stderr.split('\n')[0], 'dtls13 client: --connect host:99999: port 99999 is out of range (1..65535)');
});

test('hostPort: 0 listens on any port but connects nowhere; a port past 65535 is out of range; a bad form is named', (t) => {
  t.deepEqual(hostPort('--listen', ':0', '127.0.0.1', 0), { host: '127.0.0.1', port: 0 });
  t.deepEqual(hostPort('--connect', '[::1]:65535', '127.0.0.1', 1), { host: '::1', port: 65535 });
  t.throws(() => hostPort('--connect', 'h:0', '127.0.0.1', 1), {
    instanceOf: CliUsageError,
    message: '--connect h:0: port 0 is out of range (1..65535)',
  });
  t.throws(() => hostPort('--listen', '65536', '127.0.0.1', 0), {
    message: '--listen 65536: port 65536 is out of range (0..65535)',
  });
  t.throws(() => hostPort('--connect', 'h:port', '127.0.0.1', 1), {
    message: "--connect must be HOST:PORT, got 'h:port'",
  });
});

test('loadCertificates: every block of a PEM file, text before the first ignored; DER is told how to convert', (t) => {
  const chain = readFileSync(pem.cert, 'utf8');
  const withText = file('with-text.pem', `Certificate:\n    Data: (openssl x509 -text)\n${chain}`);
  t.is(loadCertificates('--cert', withText).length, (chain.match(/BEGIN CERTIFICATE/g) ?? []).length);
  const der = file('cert.der', 'not PEM at all');
  t.throws(() => loadCertificates('--ca', der), {
    instanceOf: CliUsageError,
    message: `--ca ${der}: no PEM block (-----BEGIN CERTIFICATE-----); a DER file converts with: openssl x509 -inform der -in ${der} -out ${der}.pem`,
  });
});
