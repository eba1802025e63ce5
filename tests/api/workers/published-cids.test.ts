/**
 * publishConnectionIds (runtime/api/workers/published-cids.ts): a real listener's session CIDs appear in the
 * worker's table of the shared CID directory when issued, readable by another worker, and are withdrawn when the
 * session ends; a forged CID is never in it.
 */
import test from 'ava';
import { randomBytes } from 'node:crypto';
import { CidDirectory, cidDirectoryInit } from '../../../runtime/api/workers/cid-directory.js';
import { publishConnectionIds } from '../../../runtime/api/workers/published-cids.js';
import { until } from '../../node/support.js';
import { echo, echoPair } from '../echo-pair.js';

/** A DTLS 1.3 datagram whose first record carries `cid` (unified header with the C bit, then the CID). */
const record = (cid: Uint8Array): Uint8Array => Uint8Array.of(0x3c, ...cid, 0, 0, 0, 20, ...new Uint8Array(20));

test("a session's CIDs are published when issued and withdrawn when it ends; forgeries are not there", async (t) => {
  const init = cidDirectoryInit(2, 1024, 8);
  const mine = new CidDirectory(init, 0);
  const other = new CidDirectory(init, 1);
  const pair = await echoPair({ cid: 8 }, { cid: 8 });
  try {
    publishConnectionIds(pair.listener.admission, mine);
    const client = await pair.another({ cid: 8 });
    const local = pair.accepted[1]!.connectionIds!.local!;
    t.true(other.mayHold(0, record(local)), 'another worker sees it');
    for (let i = 0; i < 100; i++) t.false(other.mayHold(0, record(randomBytes(8))));
    t.is(await echo(client, 'z'), 'z');
    await client.close();
    await until(() => !other.mayHold(0, record(local)));
    t.false(other.mayHold(0, record(local)), 'withdrawn');
  } finally {
    await pair.close();
  }
});
