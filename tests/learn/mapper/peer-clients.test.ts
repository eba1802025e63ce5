import test from 'ava';
import { openClientSul } from '../../../learn/mapper/client-sul.js';
import { makeIdentity } from '../../support/pki-fixtures.js';
import { wolfsslBuild, writePem } from '../../interop/wolfssl.js';
import { walk } from './steps.js';

/**
 * The mapper's server sides walk wolfSSL's example client (5.7.2, built from Debian's source by
 * tests/interop/build-wolfssl.sh), started per session with the session's port: the client checks our certificate,
 * signature and Finished, so its own Finished (1.3) or its key exchange, Finished and application data (1.2) show the
 * mapper's cryptography agrees with another implementation's.
 */

const id = makeIdentity('p256', 'localhost', { at: Date.now() });

for (const version of ['1.3', '1.2'] as const) {
  test.serial(`wolfSSL ${version} client: the handshake walked by the mapper's server side`, async (t) => {
    const pem = writePem(id);
    const clientCommand = `cd '${wolfsslBuild()}' && exec ./examples/client/client -u -v ${version === '1.3' ? 4 : 3} -h 127.0.0.1 -p {port} -A '${pem.ca}'`;
    const sul = await openClientSul({
      host: '127.0.0.1',
      port: 0,
      version,
      parallel: 1,
      clientCommand,
      cert: id.chain,
      key: id.privateKey,
    });
    try {
      if (version === '1.3') {
        const out = await walk(sul, [
          'HelloRetryRequest',
          'ServerHello',
          'EncryptedExtensions',
          'Certificate',
          'CertificateVerify',
          'Finished',
        ]);
        t.is(out[0], 'ClientHello', 'the retry');
        t.regex(out[5]!, /^Finished/, 'the client accepted our flight');
      } else {
        const out = await walk(sul, [
          'HelloVerifyRequest',
          'ServerHello',
          'Certificate',
          'ServerKeyExchange',
          'ServerHelloDone',
          'ChangeCipherSpec',
          'Finished',
        ]);
        t.is(out[0], 'ClientHello', 'the hello with the cookie');
        t.is(out[4], 'ClientKeyExchange+ChangeCipherSpec+Finished');
        t.regex(out[6]!, /^(ApplicationData|timeout)$/, 'our Finished is accepted: no alert');
      }
    } finally {
      await sul.close();
      pem.remove();
    }
  });
}
