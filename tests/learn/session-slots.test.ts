import test from 'ava';
import { SessionSlots } from '../../learn/learner/session-slots.js';

test('a freed slot goes to the lowest rank waiting, then in the order asked', async (t) => {
  const slots = new SessionSlots(2);
  const got: string[] = [];
  const take = (name: string, rank: number): Promise<void> => slots.take(rank).then(() => void got.push(name));
  await Promise.all([take('a0', 0), take('b0', 0)]);
  const waiting = [take('ahead1', 1), take('ahead2', 1), take('c0', 0), take('d0', 0)];
  await Promise.resolve();
  t.deepEqual(got, ['a0', 'b0'], 'no slot free: all four wait');
  for (let k = 0; k < 4; k++) slots.give();
  await Promise.all(waiting);
  t.deepEqual(got, ['a0', 'b0', 'c0', 'd0', 'ahead1', 'ahead2']);
});
