/** The one "did you mean" of the library and the command: edits counted with a swap as one, the nearest within a limit. */
import test from 'ava';
import { editDistance, nearestName } from '../../runtime/near-name.js';

test('editDistance: insert, delete, replace and a swap of neighbours each count one', (t) => {
  t.is(editDistance('mtu', 'mtu'), 0);
  t.is(editDistance('maxSesions', 'maxSessions'), 1);
  t.is(editDistance('maxSessionss', 'maxSessions'), 1);
  t.is(editDistance('maxSassions', 'maxSessions'), 1);
  t.is(editDistance('jsno', 'json'), 1);
  t.is(editDistance('', 'abc'), 3);
  t.is(editDistance('abc', ''), 3);
  t.is(editDistance('ca', 'abc'), 3); // optimal string alignment: no edit of a swapped pair
});

test('nearestName: within the limit only, the first listed on a tie, compared after the fold', (t) => {
  const known = ['idleTimeout', 'idleTimeoutMs', 'handshakeTimeout'];
  t.is(nearestName('idleTimeot', known, 1), 'idleTimeout');
  t.is(nearestName('idleTimeotMs', known, 0), undefined);
  t.is(nearestName('IDLETIMEOUT', known, 0), undefined);
  t.is(
    nearestName('IDLETIMEOUT', known, 0, (s) => s.toLowerCase()),
    'idleTimeout',
  );
  t.is(nearestName('ab', ['ax', 'ay'], 1), 'ax');
  t.is(nearestName('anything', [], 3), undefined);
});
