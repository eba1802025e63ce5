/**
 * readCertificates (runtime/pki/certificate-input.ts): every CERTIFICATE block and DER item of cert or ca, in order,
 * each parsed; other PEM labels skipped; an item with no certificate, or a block that does not parse as X.509, a
 * ConfigError naming the item and the block.
 */
import test from 'ava';
import { ConfigError } from '../../runtime/config-error.js';
import { readCertificates } from '../../runtime/pki/certificate-input.js';
import { certificateToPem, privateKeyToPem } from '../../runtime/pki/pem.js';
import { makeIdentity } from '../support/pki-fixtures.js';

const id = makeIdentity('p256', 'a.test');
const leafPem = certificateToPem(id.chain[0]!);
const caPem = certificateToPem(id.caDer);
const keyPem = privateKeyToPem(id.privateKey);

test('every certificate in order, PEM blocks and DER items; a key block beside them skipped', (t) => {
  t.deepEqual(readCertificates('cert', `${leafPem}${keyPem}${caPem}`), [id.chain[0], id.caDer]);
  t.deepEqual(readCertificates('ca', [caPem, Buffer.from(id.chain[0]!)]), [id.caDer, id.chain[0]]);
});

test('no certificate, or one that does not parse: a ConfigError naming the item and the block', (t) => {
  const noCert = t.throws(() => readCertificates('cert', keyPem), { instanceOf: ConfigError })!;
  t.is(noCert.option, 'cert');
  t.regex(noCert.message, /no CERTIFICATE block \(found PRIVATE KEY\)/);
  // A real certificate cut short, as DER and as the second PEM block.
  const cut = id.caDer.subarray(0, id.caDer.length - 10);
  const der = t.throws(() => readCertificates('ca', [caPem, cut]), { instanceOf: ConfigError })!;
  t.is(der.option, 'ca[1]');
  t.regex(der.message, /not a DER X\.509 certificate/);
  const block = t.throws(() => readCertificates('ca', `${caPem}${certificateToPem(cut)}`), {
    instanceOf: ConfigError,
  })!;
  t.regex(block.message, /PEM block 2 \(CERTIFICATE\)/);
  // A key where a certificate should be, as DER.
  t.throws(() => readCertificates('ca', id.privateKey), { instanceOf: ConfigError });
});
