/**
 * What a run cache (`dtls13 size --run-cache DIR`, hwmodel/sizing/workload/run-cache.ts) holds, newest first: each
 * entry's time, then its run's steady window (records offered, dropped, drop episodes, the largest) and the memory and
 * DMA channels' busy fractions; the last line sums the listed runs. A running search prints a step only when its
 * proof is done, so this is how far it has come meanwhile. An entry that does not read back whole is listed as such.
 *
 *   npx tsx scripts/size-run-cache.ts DIR [NEWEST]
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { RunCache } from '../hwmodel/sizing/workload/run-cache.js';

const [dir, newestText] = process.argv.slice(2);
if (dir === undefined) throw new Error('usage: npx tsx scripts/size-run-cache.ts DIR [NEWEST]');
const cache = new RunCache(dir, (p) => console.log(`${p.file}: not trusted (${p.kind}: ${p.detail})`));
const entries = readdirSync(dir)
  .filter((f) => f.endsWith('.run'))
  .map((f) => ({ key: f.slice(0, -'.run'.length), at: statSync(join(dir, f)).mtime }))
  .sort((a, b) => b.at.getTime() - a.at.getTime() || (a.key < b.key ? -1 : 1));
const listed = entries.slice(0, Number(newestText ?? entries.length));
const sum = { offered: 0, dropped: 0, episodes: 0, largest: 0 };
for (const e of listed) {
  const r = cache.get(e.key);
  if (r === undefined) continue;
  const s = r.steady;
  sum.offered += s.offered;
  sum.dropped += s.dropped;
  sum.episodes += s.episodes;
  sum.largest = Math.max(sum.largest, s.largestEpisode);
  console.log(
    `${e.at.toISOString()} ${e.key.slice(0, 12)}: ${s.offered.toLocaleString('en-US')} records offered, ` +
      `${s.dropped.toLocaleString('en-US')} dropped in ${s.episodes} episodes (largest ${s.largestEpisode}); ` +
      `memory ${(100 * r.utilization.memChannels).toFixed(1)}%, DMA ${(100 * r.utilization.dmaChannels).toFixed(1)}% busy`,
  );
}
console.log(
  `${listed.length} of ${entries.length} entries: ${sum.offered.toLocaleString('en-US')} records offered, ` +
    `${sum.dropped.toLocaleString('en-US')} dropped in ${sum.episodes} episodes (largest ${sum.largest})`,
);
