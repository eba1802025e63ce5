import { readFileSync } from 'node:fs';
import test from 'ava';
import { findBugPatterns } from '../../learn/learner/bug-patterns.js';
import { run } from '../../learn/learner/mealy.js';
import { modelFromReport } from '../../learn/learner/report.js';
import { machineOf, server13 } from './machines.js';

const CONTEXT = { version: '1.3', role: 'server' } as const;
const ALERT = 'Alert(unexpected_message)';

test('a correct 1.3 server with client authentication shows no bug pattern', (t) => {
  t.deepEqual(findBugPatterns(server13(), CONTEXT), []);
});

test('Finished accepted without CertificateVerify after a Certificate is found, with a shortest word', (t) => {
  const m = server13([['verify', 'Finished', 'ACK', 'connected']]);
  const findings = findBugPatterns(m, CONTEXT);
  t.deepEqual(
    findings.map((f) => f.pattern),
    ['skipped-certificate-verify'],
  );
  t.deepEqual(findings[0]!.word, ['ClientHello', 'Certificate', 'Finished', 'ApplicationData'], 'with the echo');
  t.deepEqual(findings[0]!.outputs, run(m, findings[0]!.word));
});

test('application data echoed before Finished is found', (t) => {
  const m = server13([['finished', 'ApplicationData', 'ApplicationData', 'finished']]);
  t.deepEqual(
    findBugPatterns(m, CONTEXT).map((f) => [f.pattern, f.word.join(' ')]),
    [['data-before-finished', 'ClientHello Certificate CertificateVerify ApplicationData']],
  );
});

test('a handshake that goes on after our fatal alert is found; a new ClientHello after it is not', (t) => {
  const ignoresAlert = server13([['finished', ALERT, 'timeout', 'finished']]);
  t.deepEqual(
    findBugPatterns(ignoresAlert, CONTEXT).map((f) => [f.pattern, f.word.join(' ')]),
    [['answer-after-fatal-alert', `ClientHello Certificate CertificateVerify ${ALERT} Finished`]],
  );
  // After the alert the server takes a new ClientHello: a new connection, no finding.
  const restarts = server13([['finished', ALERT, 'timeout', 's0']]);
  t.deepEqual(findBugPatterns(restarts, CONTEXT), []);
});

test('a ClientHello with the cookie but changed parameters is caught only when it is answered with a ServerHello', (t) => {
  const inputs = ['ClientHello', 'ClientHelloWithCookie', 'ClientHelloWithCookieChanged'];
  const good = machineOf(inputs, [
    ['s0', 'ClientHello', 'HelloRetryRequest', 'hrr'],
    ['hrr', 'ClientHelloWithCookie', 'ServerHello+Finished', 'done'],
    ['hrr', 'ClientHelloWithCookieChanged', 'Alert(illegal_parameter)', 'closed'],
    // Without a HelloRetryRequest first, the changed hello is just a hello: answering it is fine.
    ['s0', 'ClientHelloWithCookieChanged', 'ServerHello+Finished', 'done'],
  ]);
  t.deepEqual(findBugPatterns(good, CONTEXT), []);
  const bad = machineOf(inputs, [
    ['s0', 'ClientHello', 'HelloRetryRequest', 'hrr'],
    ['hrr', 'ClientHelloWithCookieChanged', 'ServerHello+Finished', 'done'],
  ]);
  t.deepEqual(
    findBugPatterns(bad, CONTEXT).map((f) => [f.pattern, f.word.join(' ')]),
    [['cookie-parameters-changed', 'ClientHello ClientHelloWithCookieChanged']],
  );
});

test('1.2: Finished answered with Finished without ChangeCipherSpec or ClientKeyExchange is found', (t) => {
  const inputs = ['ClientHello', 'ClientKeyExchange', 'ChangeCipherSpec', 'Finished'];
  const good = machineOf(inputs, [
    ['s0', 'ClientHello', 'ServerHello+Certificate+ServerKeyExchange+ServerHelloDone', 'hello'],
    ['hello', 'ClientKeyExchange', 'timeout', 'cke'],
    ['cke', 'ChangeCipherSpec', 'timeout', 'ccs'],
    ['ccs', 'Finished', 'ChangeCipherSpec+Finished', 'done'],
    ['hello', 'Finished', 'Alert(unexpected_message)', 'closed'],
    ['cke', 'Finished', 'Alert(unexpected_message)', 'closed'],
  ]);
  const context = { version: '1.2', role: 'server' } as const;
  t.deepEqual(findBugPatterns(good, context), []);
  const skipsCcs = machineOf(inputs, [
    ['s0', 'ClientHello', 'ServerHello+Certificate+ServerKeyExchange+ServerHelloDone', 'hello'],
    ['hello', 'ClientKeyExchange', 'timeout', 'cke'],
    ['cke', 'Finished', 'ChangeCipherSpec+Finished', 'done'],
  ]);
  t.deepEqual(
    findBugPatterns(skipsCcs, context).map((f) => [f.pattern, f.word.join(' ')]),
    [['skipped-change-cipher-spec', 'ClientHello ClientKeyExchange Finished']],
  );
});

test("a 1.2 peer's warning no_renegotiation (RFC 8446's name no_renegotiation_RESERVED) is no fatal alert", async (t) => {
  const { isFatalAlert } = await import('../../learn/symbols.js');
  t.false(isFatalAlert('Alert(no_renegotiation_reserved)'));
  t.false(isFatalAlert('Alert(no_renegotiation)'));
  t.true(isFatalAlert('Alert(unexpected_message)'));
});

test('a handshake message after the handshake that the peer acts on is found; refused or retransmitted is not', (t) => {
  const after = ['ClientHello', 'Certificate', 'CertificateVerify', 'Finished'];
  // Taken: after the handshake a Certificate moves the server back to waiting for CertificateVerify (no echo there).
  const taken = findBugPatterns(server13([['connected', 'Certificate', 'timeout', 'verify']]), CONTEXT);
  t.deepEqual(
    taken.map((f) => [f.pattern, f.word.join(' '), f.outputs.at(-1)]),
    [['handshake-message-after-handshake', [...after, 'Certificate', 'ApplicationData'].join(' '), 'timeout']],
  );
  // Answered with something new (not its last flight), in the same state.
  t.deepEqual(
    findBugPatterns(server13([['connected', 'CertificateVerify', 'HelloRetryRequest', 'connected']]), CONTEXT).map(
      (f) => f.pattern,
    ),
    ['handshake-message-after-handshake'],
  );
  // Refused, dropped, or taken as a retransmission of our Finished (an ACK, the same state): no finding.
  for (const change of [
    [['connected', 'Certificate', ALERT, 'closed']],
    [['connected', 'Certificate', 'timeout', 'connected']],
    [['connected', 'Finished', 'ACK', 'connected']],
    // A state change that still echoes: it may be the mapper's own (new keys), not the peer's.
    [
      ['connected', 'CertificateVerify', 'timeout', 'again'],
      ['again', 'ApplicationData', 'ApplicationData', 'again'],
      ['again', ALERT, 'closed', 'closed'],
    ],
  ] as const)
    t.deepEqual(findBugPatterns(server13(change), CONTEXT), [], change.flat().join(' '));
});

test('skipped-certificate-verify needs a real Certificate: an EmptyCertificate needs no CertificateVerify', (t) => {
  const inputs = ['ClientHello', 'Certificate', 'EmptyCertificate', 'CertificateVerify', 'Finished', 'ApplicationData'];
  const flight = 'ServerHello+EncryptedExtensions+Certificate+CertificateVerify+Finished';
  const rows: [string, string, string, string][] = [
    ['s0', 'ClientHello', flight, 'flight'],
    ['s0', 'Certificate', ALERT, 'closed'],
    ['flight', 'Certificate', ALERT, 'closed'],
    ['flight', 'EmptyCertificate', 'timeout', 'empty'],
    ['empty', 'Certificate', ALERT, 'closed'],
    ['empty', 'Finished', 'ACK', 'connected'],
    ['connected', 'ApplicationData', 'ApplicationData', 'connected'],
  ];
  t.deepEqual(findBugPatterns(machineOf(inputs, rows), CONTEXT), []);
  const real = machineOf(inputs, [...rows, ['flight', 'Certificate', 'timeout', 'empty']]);
  t.deepEqual(
    findBugPatterns(real, CONTEXT).map((f) => [f.pattern, f.word.join(' ')]),
    [['skipped-certificate-verify', 'ClientHello Certificate Finished ApplicationData']],
  );
});

test('skipped-certificate-verify needs the Certificate after the hellos: one sent before the ServerHello is not counted', (t) => {
  // wolfSSL's 1.3 server as its hypothesis showed it: a Certificate after the HelloRetryRequest, before the
  // server's hello, is dropped (`timeout`); the handshake then completes without one. Not a skipped CertificateVerify.
  const inputs = [
    'ClientHello',
    'ClientHelloWithCookie',
    'Certificate',
    'CertificateVerify',
    'Finished',
    'ApplicationData',
  ];
  const flight = 'ServerHello+EncryptedExtensions+Certificate+CertificateVerify+Finished';
  const rows: [string, string, string, string][] = [
    ['s0', 'ClientHello', 'HelloRetryRequest', 'retry'],
    ['retry', 'Certificate', 'timeout', 'retry'],
    ['retry', 'ClientHelloWithCookie', flight, 'flight'],
    ['flight', 'Certificate', 'Alert(unknown_ca)', 'closed'],
    ['flight', 'Finished', 'ACK', 'connected'],
    ['connected', 'ApplicationData', 'ApplicationData', 'connected'],
  ];
  t.deepEqual(findBugPatterns(machineOf(inputs, rows), CONTEXT), []);
  // After the server's flight, a Certificate taken and then Finished without CertificateVerify is the finding; so is
  // a CertificateVerify sent before the Certificate it should prove. A Certificate dropped there (`timeout`, the same
  // state: machineOf's default, in `verifyFirst`) authenticates nothing and is not counted.
  const skips = machineOf(inputs, [
    ...rows.filter(([from, input]) => !(from === 'flight' && input === 'Certificate')),
    ['flight', 'Certificate', 'timeout', 'cert'],
    ['cert', 'Finished', 'ACK', 'connected'],
  ]);
  t.deepEqual(
    findBugPatterns(skips, CONTEXT).map((f) => [f.pattern, f.word.join(' ')]),
    [['skipped-certificate-verify', 'ClientHello ClientHelloWithCookie Certificate Finished ApplicationData']],
  );
  const verifyFirst = machineOf(inputs, [
    ...rows.filter(([from, input]) => !(from === 'flight' && input === 'Certificate')),
    ['flight', 'CertificateVerify', 'timeout', 'verified'],
    ['verified', 'Certificate', 'timeout', 'cert'],
    ['cert', 'Finished', 'ACK', 'connected'],
  ]);
  t.deepEqual(
    findBugPatterns(verifyFirst, CONTEXT).map((f) => [f.pattern, f.word.join(' ')]),
    [
      [
        'skipped-certificate-verify',
        'ClientHello ClientHelloWithCookie CertificateVerify Certificate Finished ApplicationData',
      ],
    ],
  );
  // A new ServerHello after our Certificate starts the flights again: that Certificate is not the new handshake's.
  const restarted = machineOf(inputs, [
    ...rows.filter(([from, input]) => !(from === 'flight' && input === 'Certificate')),
    ['flight', 'Certificate', 'timeout', 'cert'],
    ['cert', 'ClientHelloWithCookie', flight, 'flight2'],
    ['flight2', 'Finished', 'ACK', 'connected'],
  ]);
  t.deepEqual(findBugPatterns(restarted, CONTEXT), []);
});

test("wolfSSL's stored 1.3 server hypothesis shows no skipped-certificate-verify (its Certificate came before the hello)", (t) => {
  const report = JSON.parse(readFileSync(new URL('../../docs/learn/wolfssl-server13.json', import.meta.url), 'utf8'));
  const m = modelFromReport(report);
  t.deepEqual(
    findBugPatterns(m, CONTEXT).map((f) => f.pattern),
    [],
  );
  // The word the pattern used to report: the Certificate answered `timeout` before the server's hello.
  const word = ['ClientHello', 'Certificate', 'ClientHelloWithCookie', 'Finished', 'ApplicationData'];
  t.notRegex(run(m, word).slice(0, 2).join(' '), /ServerHello/);
});
