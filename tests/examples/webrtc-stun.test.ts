/**
 * examples/webrtc's STUN and ICE-lite code under attack: RFC 5769's sample
 * request checks MESSAGE-INTEGRITY and FINGERPRINT against an independent
 * encoding; then truncated, forged, mis-keyed and misaddressed Binding
 * requests are refused (an error response or nothing), and no datagram at
 * all makes the agent throw.
 */
import test from 'ava';
import fc from 'fast-check';
import { IceLiteAgent } from '../../examples/webrtc/ice-lite.js';
import {
  ATTR,
  BINDING,
  attribute,
  encodeStun,
  fingerprintValid,
  integrityValid,
  parseStun,
  xorMappedAddress,
} from '../../examples/webrtc/stun.js';

const hex = (s: string): Uint8Array => Buffer.from(s.replace(/\s+/g, ''), 'hex');

/** RFC 5769 §2.1: a Binding request with USERNAME "evtj:h6vY", password "VOkJxbRl1RmTxUk/WvJxBt". */
const RFC5769_REQUEST = hex(`
  000100582112a442b7e7a701bc34d686fa87dfae802200105354554e207465737420636c69656e74
  002400046e0001ff80290008932ff9b151263b36000600096576746a3a6836765920202000080014
  9aeaa70cbfd8cb56781ef2b5b2d3f249c1b571a280280004e57a3bcf`);
const TRANSACTION = RFC5769_REQUEST.subarray(8, 20);

test('RFC 5769 §2.1: the sample request parses, its integrity and fingerprint check, a wrong password does not', (t) => {
  const m = parseStun(RFC5769_REQUEST);
  if (m === undefined) return t.fail('did not parse');
  t.is(m.cls, 'request');
  t.is(m.method, BINDING);
  t.is(Buffer.from(attribute(m, ATTR.USERNAME) ?? []).toString(), 'evtj:h6vY');
  t.true(fingerprintValid(m));
  t.true(integrityValid(m, 'VOkJxbRl1RmTxUk/WvJxBt'));
  t.false(integrityValid(m, 'VOkJxbRl1RmTxUk/WvJxBT'));
});

test("RFC 5769 §2.2: XOR-MAPPED-ADDRESS of 192.0.2.1:32853 is the sample response's", (t) => {
  t.deepEqual(Buffer.from(xorMappedAddress('192.0.2.1', 32853, TRANSACTION)), hex('0001a147e112a643'));
});

const local = { ufrag: 'lite', pwd: 'local-password-0123456789' };
const remote = { ufrag: 'full', pwd: 'remote-password-0123456789' };
const controlling = { type: ATTR.ICE_CONTROLLING, value: new Uint8Array(8) };

/** A check as the full agent sends it; `over` changes the parts an attacker would. */
function check(
  over: { username?: string; password?: string; attributes?: { type: number; value: Uint8Array }[] } = {},
): Uint8Array {
  return encodeStun({
    cls: 'request',
    method: BINDING,
    transactionId: TRANSACTION,
    attributes: [
      { type: ATTR.USERNAME, value: Buffer.from(over.username ?? 'lite:full') },
      { type: ATTR.PRIORITY, value: hex('6e0001ff') },
      ...(over.attributes ?? [controlling, { type: ATTR.USE_CANDIDATE, value: new Uint8Array(0) }]),
    ],
    password: over.password ?? local.pwd,
  });
}

/** The error code in a reply, or 'success', or undefined for no reply. */
function outcome(reply: Uint8Array | undefined): number | 'success' | undefined {
  if (reply === undefined) return undefined;
  const m = parseStun(reply);
  if (m === undefined || !fingerprintValid(m)) return -1;
  if (m.cls === 'success') return integrityValid(m, local.pwd) ? 'success' : -2;
  const code = attribute(m, ATTR.ERROR_CODE);
  return code === undefined ? -3 : code[2]! * 100 + code[3]!;
}

test('a good check is answered with an authenticated XOR-MAPPED-ADDRESS and nominates its pair', (t) => {
  const agent = new IceLiteAgent(local, remote);
  const r = agent.receive(check(), '192.0.2.1', 32853);
  t.is(outcome(r.reply), 'success');
  t.deepEqual(attribute(parseStun(r.reply!)!, ATTR.XOR_MAPPED_ADDRESS), hex('0001a147e112a643'));
  t.deepEqual(r.nominated, { address: '192.0.2.1', port: 32853 });
  t.true(agent.isValidated('192.0.2.1', 32853));
  t.false(agent.isValidated('192.0.2.1', 32854));
});

test('a check without USE-CANDIDATE is answered and validates, but nominates nothing', (t) => {
  const agent = new IceLiteAgent(local, remote);
  const r = agent.receive(check({ attributes: [controlling] }), '192.0.2.1', 1000);
  t.is(outcome(r.reply), 'success');
  t.is(r.nominated, undefined);
  t.is(agent.nominated, undefined);
  t.true(agent.isValidated('192.0.2.1', 1000));
});

const refused: [string, Uint8Array, number | undefined][] = [
  ['keyed with the wrong password', check({ password: remote.pwd }), 401],
  ['for another ufrag of ours', check({ username: 'other:full' }), 401],
  ['from another remote ufrag', check({ username: 'lite:else' }), 401],
  ['with no colon in USERNAME', check({ username: 'lite' }), 401],
  [
    'from an agent that says it is controlled',
    check({ attributes: [{ type: ATTR.ICE_CONTROLLED, value: new Uint8Array(8) }] }),
    400,
  ],
  ['the RFC 5769 request (another ufrag, ICE-CONTROLLED)', RFC5769_REQUEST, 401],
];
for (const [what, datagram, code] of refused) {
  test(`a check ${what} is refused with ${String(code)} and validates nothing`, (t) => {
    const agent = new IceLiteAgent(local, remote);
    const r = agent.receive(datagram, '192.0.2.1', 1000);
    t.is(outcome(r.reply), code);
    t.is(r.nominated, undefined);
    t.false(agent.isValidated('192.0.2.1', 1000));
  });
}

test('a check without MESSAGE-INTEGRITY is a 400; a changed byte under the integrity is a 401', (t) => {
  const agent = new IceLiteAgent(local, remote);
  const plain = encodeStun({
    cls: 'request',
    method: BINDING,
    transactionId: TRANSACTION,
    attributes: [{ type: ATTR.USERNAME, value: Buffer.from('lite:full') }],
  });
  t.is(outcome(agent.receive(plain, '192.0.2.1', 1).reply), 400);
  // Change the PRIORITY and recompute FINGERPRINT, as an attacker without the password can.
  const m = parseStun(check())!;
  const forged = encodeStun({
    cls: 'request',
    method: BINDING,
    transactionId: TRANSACTION,
    attributes: m.attributes.filter((a) => a.type !== ATTR.FINGERPRINT),
  });
  const priority = Buffer.from(forged).indexOf(Buffer.from('6e0001ff', 'hex'));
  forged[priority]! ^= 1;
  const refixed = encodeStun({
    cls: 'request',
    method: BINDING,
    transactionId: TRANSACTION,
    attributes: parseStun(forged)!.attributes.filter((a) => a.type !== ATTR.FINGERPRINT),
  });
  t.is(outcome(agent.receive(refixed, '192.0.2.1', 1).reply), 401);
  t.false(agent.isValidated('192.0.2.1', 1));
});

test('a bad or missing FINGERPRINT, and answers and indications, are dropped without a reply', (t) => {
  const agent = new IceLiteAgent(local, remote);
  const bad = Uint8Array.from(check());
  bad[bad.length - 1]! ^= 1;
  t.is(agent.receive(bad, '192.0.2.1', 1).reply, undefined);
  const noFingerprint = check().subarray(0, check().length - 8);
  new DataView(noFingerprint.buffer, noFingerprint.byteOffset).setUint16(2, noFingerprint.length - 20);
  t.is(agent.receive(noFingerprint, '192.0.2.1', 1).reply, undefined);
  for (const cls of ['indication', 'success', 'error'] as const)
    t.is(
      agent.receive(
        encodeStun({ cls, method: BINDING, transactionId: TRANSACTION, attributes: [], password: local.pwd }),
        '192.0.2.1',
        1,
      ).reply,
      undefined,
      cls,
    );
  t.false(agent.isValidated('192.0.2.1', 1));
});

test('every truncation of a good check is dropped, and so is the check with bytes appended', (t) => {
  const good = check();
  for (let n = 0; n < good.length; n++) {
    const agent = new IceLiteAgent(local, remote);
    t.is(agent.receive(good.subarray(0, n), '192.0.2.1', 1).reply, undefined, `first ${n} bytes`);
  }
  const agent = new IceLiteAgent(local, remote);
  t.is(agent.receive(Buffer.concat([good, new Uint8Array(4)]), '192.0.2.1', 1).reply, undefined);
  t.false(agent.isValidated('192.0.2.1', 1));
});

test('an attribute whose length runs past the message does not parse', (t) => {
  const m = Uint8Array.from(check());
  new DataView(m.buffer).setUint16(22, 0xfff0); // USERNAME's length
  t.is(parseStun(m), undefined);
});

test('no datagram makes the agent throw: random bytes, and good checks with bytes changed', (t) => {
  const good = check();
  fc.assert(
    fc.property(
      fc.oneof(
        fc.uint8Array({ maxLength: 200 }),
        fc
          .array(fc.tuple(fc.nat(good.length - 1), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 })
          .map((changes) => {
            const d = Uint8Array.from(good);
            for (const [at, x] of changes) d[at]! ^= x;
            return d;
          }),
      ),
      (datagram) => {
        const agent = new IceLiteAgent(local, remote);
        const r = agent.receive(datagram, '192.0.2.1', 1);
        // A changed byte never passes as an authenticated check.
        return r.nominated === undefined || Buffer.compare(datagram, good) === 0;
      },
    ),
    { numRuns: 2000 },
  );
  t.pass();
});
