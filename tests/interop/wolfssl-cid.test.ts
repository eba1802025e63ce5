import test from 'ava';
import { decodeDatagram } from '../../runtime/wire/datagram.js';
import { assertServed, assertTalked, identity, serveWolfClient, talkToWolfServer } from './sessions.js';

/**
 * Connection IDs against wolfSSL 5.7.2 (`--cid VALUE`: its CID is VALUE's
 * bytes, at most DTLS_CID_MAX_SIZE = 2 bytes in its default build), both
 * directions: CIDs negotiated each way, application data and KeyUpdate
 * with CIDs, and mixed (one side asks for none). wolfSSL has no rrc, so
 * RRC is not negotiated with it; the records are checked on the wire
 * through a relay that only watches.
 */

const WOLF_CID = 'wc'; // 0x77 0x63

/** The CIDs records carried, per direction, as the relay saw them ('' for records without one). */
function cidsSeen(): {
  readonly fate: (from: 'client' | 'server', index: number, d: Uint8Array) => 'pass';
  readonly seen: { client: Set<string>; server: Set<string> };
} {
  const seen = { client: new Set<string>(), server: new Set<string>() };
  return {
    seen,
    fate: (from, _i, d) => {
      const first = d[0] ?? 0;
      // A unified header with the C bit: the CID follows the first byte; its length is what the receiver chose (2 for wolfSSL, 2 for ours here).
      if ((first & 0xe0) === 0x20)
        seen[from].add((first & 0x10) !== 0 ? Buffer.from(d.subarray(1, 3)).toString('latin1') : '');
      return 'pass';
    },
  };
}

test('dtls13 client ↔ wolfSSL server: CIDs both ways (ours 2 bytes, wolfSSL’s "wc"), data and KeyUpdate carry them', async (t) => {
  const watch = cidsSeen();
  const o = await talkToWolfServer(
    identity('p256'),
    ['-d', '--cid', WOLF_CID],
    { cid: 2 },
    { fate: watch.fate, beforeSend: (c) => c.connection.updateKeys(true) },
  );
  assertTalked(t, o);
  const ids = o.client.connection.connectionIds;
  t.deepEqual(Buffer.from(ids?.peer ?? []).toString('latin1'), WOLF_CID, 'wolfSSL’s CID in our records');
  t.is(ids?.local?.length, 2);
  t.false(ids?.rrc, 'wolfSSL does not negotiate rrc');
  t.deepEqual([...watch.seen.client], [WOLF_CID], 'every protected record we sent carried wolfSSL’s CID');
  t.deepEqual(
    [...watch.seen.server],
    [Buffer.from(ids?.local ?? []).toString('latin1')],
    'every protected record wolfSSL sent carried ours',
  );
  t.regex(o.serverOutput, /CID extension was negotiated/);
});

test('dtls13 client ↔ wolfSSL server: mixed, we ask for a zero-length CID (cid: 0) and send wolfSSL’s', async (t) => {
  const watch = cidsSeen();
  const o = await talkToWolfServer(identity('p256'), ['-d', '--cid', WOLF_CID], { cid: 0 }, { fate: watch.fate });
  assertTalked(t, o);
  t.is(o.client.connection.connectionIds?.local, undefined);
  t.deepEqual([...watch.seen.client], [WOLF_CID]);
  t.deepEqual([...watch.seen.server], [''], 'wolfSSL sends records without a CID');
  t.regex(o.serverOutput, /other peer provided empty CID/);
});

test('dtls13 client ↔ wolfSSL server without --cid: we offer one, nothing is negotiated, records carry none', async (t) => {
  const watch = cidsSeen();
  const o = await talkToWolfServer(identity('p256'), ['-d'], { cid: 2 }, { fate: watch.fate });
  assertTalked(t, o);
  t.is(o.client.connection.connectionIds, undefined);
  t.deepEqual(
    [...watch.seen.client, ...watch.seen.server].filter((c) => c !== ''),
    [],
  );
});

test('wolfSSL client ↔ dtls13 server: CIDs both ways, data and the client’s KeyUpdate (-I) with CIDs, routed by our CID', async (t) => {
  const watch = cidsSeen();
  const s = await serveWolfClient(identity('p256'), { cid: 2 }, ['--cid', WOLF_CID, '-I'], watch.fate);
  assertServed(t, s);
  const ids = s.session?.connection?.connectionIds;
  t.deepEqual(Buffer.from(ids?.peer ?? []).toString('latin1'), WOLF_CID);
  t.is(ids?.local?.length, 2);
  t.deepEqual([...watch.seen.server], [WOLF_CID], 'our records carried wolfSSL’s CID');
  t.deepEqual(
    [...watch.seen.client],
    [Buffer.from(ids?.local ?? []).toString('latin1')],
    'wolfSSL’s records carried ours',
  );
});

test('wolfSSL client ↔ dtls13 server: mixed, our server asks for a zero-length CID (cid: 0) and sends wolfSSL’s', async (t) => {
  const watch = cidsSeen();
  const s = await serveWolfClient(identity('p256'), { cid: 0 }, ['--cid', WOLF_CID], watch.fate);
  assertServed(t, s);
  t.is(s.session?.connection?.connectionIds?.local, undefined);
  t.deepEqual([...watch.seen.server], [WOLF_CID]);
  t.deepEqual([...watch.seen.client], ['']);
});

test('the CIDs on the wire decode with the datagram decoder at the receiver’s CID length', (t) => {
  // A guard that the relay's reading of the header matches the codec (2-byte CIDs).
  const [rec] = decodeDatagram(Uint8Array.of(0x3e, 0x77, 0x63, 0, 1, 0, 17, ...new Array<number>(17).fill(0)), {
    cidLength: 2,
  });
  t.is(rec?.kind, 'ciphertext');
  t.deepEqual(
    rec?.kind === 'ciphertext' ? Buffer.from(rec.header.connectionId ?? []).toString('latin1') : '',
    WOLF_CID,
  );
});
