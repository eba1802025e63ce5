import { createHash } from 'node:crypto';
import test from 'ava';
import { Transcript } from '../../runtime/keyschedule/transcript.js';
import { fromHex, hex } from '../support/canon.js';
import { PROVIDERS } from '../support/providers.js';
import * as hrr from '../vectors/rfc8448-hrr.js';

/**
 * Transcript hashing with a HelloRetryRequest (RFC 8446 §4.4.1, RFC 9147
 * §5.2): ClientHello1 is replaced by message_hash(Hash(ClientHello1)). The
 * expected values are RFC 8448 §5's printed hashes, and a second computation
 * straight from the RFC's rule with node:crypto.
 */

const msgs = [hrr.clientHello1, hrr.helloRetryRequest, hrr.clientHello2, hrr.serverHello].map(fromHex);

/** The rule, written out: Hash(fe 00 00 20 || Hash(CH1) || HRR || CH2 || ...). */
function byTheRule(later: readonly Uint8Array[]): string {
  const ch1Hash = createHash('sha256').update(msgs[0]!).digest();
  const h = createHash('sha256')
    .update(Uint8Array.of(0xfe, 0, 0, 32))
    .update(ch1Hash);
  for (const m of later) h.update(m);
  return h.digest('hex');
}

for (const provider of PROVIDERS) {
  test(`${provider.name}: a HelloRetryRequest flow hashes to RFC 8448 §5's transcript hashes`, (t) => {
    const tr = new Transcript(provider);
    tr.add(msgs[0]!); // ClientHello1, before the suite is known
    tr.selectHash('sha256'); // the HelloRetryRequest names the suite
    tr.replaceWithMessageHash();
    for (const m of msgs.slice(1)) tr.add(m);
    t.is(hex(tr.current()), hrr.handshakeTrafficHash);
    t.is(hex(tr.current()), byTheRule(msgs.slice(1)));
    for (const m of [hrr.encryptedExtensions, hrr.certificate, hrr.certificateVerify, hrr.serverFinished]) {
      if (m === null) return void t.fail('RFC 8448 §5 server flight missing');
      tr.add(fromHex(m));
    }
    if (hrr.applicationTrafficHash !== null) t.is(hex(tr.current()), hrr.applicationTrafficHash);
  });

  test(`${provider.name}: messages given as type and body hash like their TLS framing; clones fork`, (t) => {
    const a = new Transcript(provider);
    const b = new Transcript(provider);
    for (const m of msgs) {
      a.add(m);
      b.addMessage(m[0]!, m.subarray(4));
    }
    a.selectHash('sha256');
    b.selectHash('sha256');
    t.is(hex(a.current()), hex(b.current()));
    const fork = a.clone();
    fork.add(Uint8Array.of(20, 0, 0, 0));
    t.not(hex(fork.current()), hex(a.current()));
    t.is(hex(a.current()), createHash('sha256').update(Buffer.concat(msgs)).digest('hex'));
  });
}

test('the transcript refuses a hash before the suite is known, and a second, different hash', (t) => {
  const tr = new Transcript(PROVIDERS[0]!);
  t.throws(() => tr.current(), { message: /not selected/ });
  tr.selectHash('sha384');
  t.throws(() => tr.selectHash('sha256'), { message: /already sha384/ });
});
