import test from 'ava';
import type { OracleCoverage } from '../../learn/learner/equivalence-oracle.js';
import { describeCoverage } from '../../learn/learner/report.js';

const passed: OracleCoverage = {
  extraStates: 1,
  conformanceTests: 527,
  edits: 1,
  editTests: 155,
  randomTests: 118,
};

test('complete: each bound passed, with its tests, then the random words', (t) => {
  t.is(
    describeCoverage({ complete: true, coverage: passed }),
    'complete: no counterexample up to 1 extra state, 527 tests; within 1 edit of a normal handshake, 155 tests (plus 118 random words)',
  );
  t.is(
    describeCoverage({ complete: true, coverage: { extraStates: 2, conformanceTests: 527, randomTests: 118 } }),
    'complete: no counterexample up to 2 extra states, 527 tests (plus 118 random words)',
  );
  t.is(
    describeCoverage({
      complete: true,
      coverage: { ...passed, extraStates: undefined, conformanceTests: 0, edits: 2 },
    }),
    'complete: no counterexample within 2 edits of a normal handshake, 155 tests (plus 118 random words)',
  );
  t.is(
    describeCoverage({
      complete: true,
      coverage: { extraStates: undefined, conformanceTests: 0, randomTests: 118 },
    }),
    'complete: no counterexample in 118 random words (no bound)',
  );
});

test('incomplete: why, the bounds passed in full, and how far the part it stopped in went', (t) => {
  t.is(
    describeCoverage({
      complete: false,
      stopped: 'the time limit of 1200 s is reached',
      coverage: {
        ...passed,
        extraStates: 0,
        conformanceTests: 93,
        unfinished: {
          part: { kind: 'extra-states', k: 1 },
          passed: 128,
          of: 434,
        },
      },
    }),
    'incomplete: the time limit of 1200 s is reached; passed: no counterexample up to 0 extra states, 93 tests; within 1 edit of a normal handshake, 155 tests (plus 118 random words); 1 extra state: 128 of 434 more tests passed',
  );
  t.is(
    describeCoverage({
      complete: false,
      stopped: 'the budget of 300 queries is spent',
      coverage: {
        extraStates: 0,
        conformanceTests: 93,
        randomTests: 118,
        unfinished: { part: { kind: 'edits', distance: 1 }, passed: 64, of: 155 },
      },
    }),
    'incomplete: the budget of 300 queries is spent; passed: no counterexample up to 0 extra states, 93 tests (plus 118 random words); within 1 edit of a normal handshake: 64 of 155 tests passed',
  );
  t.is(
    describeCoverage({
      complete: false,
      stopped: 'stopped by SIGINT',
      coverage: {
        extraStates: undefined,
        conformanceTests: 0,
        randomTests: 18,
        unfinished: { part: { kind: 'random' }, passed: 64, of: 100 },
      },
    }),
    'incomplete: stopped by SIGINT; passed: 18 random words; random words: 64 of 100 tests passed',
  );
  t.is(describeCoverage({ complete: false, stopped: 'x', coverage: undefined }), 'incomplete: x');
});
