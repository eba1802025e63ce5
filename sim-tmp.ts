import { ObservationTree } from './learn/learner/observation-tree.js';
import { QueryRunner } from './learn/learner/query-runner.js';
import { SeededRandom } from './learn/learner/random.js';
import type { SystemUnderLearning } from './learn/sul.js';
const seed = Number(process.argv[2] ?? 1);
const r = new SeededRandom(seed);
const sul: SystemUnderLearning = {
  version: '1.3', role: 'server', inputs: ['a', 'b', 'c', 'd'], parallel: 4,
  open: async () => {
    let k = 0; let closed = false;
    return {
      step: async (input) => {
        if (closed) return 'closed';
        const i = k++;
        if (input === 'c' && i === 2) return r.next() < 0.15 ? 'ACK' : 'timeout';
        if (input === 'd' && i === 3) { if (r.next() < 0.05) return 'timeout'; closed = true; return 'closed'; }
        return `${input}!`;
      },
      close: async () => {},
    };
  },
  close: async () => {},
};
const tree = new ObservationTree();
const runner = new QueryRunner(sul, tree, Infinity, Infinity, undefined, 3);
try {
  await runner.confirm([['a', 'b', 'c', 'd', 'a']]);
  console.log('ok', runner.stats);
} catch (e) { console.log('threw', (e as Error).message, runner.stats); }
for (const { word, edge } of tree.contested()) console.log(word.join(' '), Object.fromEntries(edge.votes), edge.output, tree.settled(edge));
console.log(tree.path(['a','b','c','d','a']).length);
for (const e of tree.path(['a','b','c','d','a'])) console.log(e.output, Object.fromEntries(e.votes), tree.settled(e), e.node.closed);
