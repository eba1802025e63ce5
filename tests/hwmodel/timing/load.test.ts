import test from 'ava';
import { ConfigError } from '../../../runtime/config-error.js';
import { LoadFactor, US, loadFactorFromUtilization } from '../../../hwmodel/timing/index.js';

test('a load schedule applies the factor in force at each time', (t) => {
  const load = new LoadFactor(1, [
    { from: 10 * US, factor: 2 },
    { from: 20 * US, factor: 1.25 },
  ]);
  t.is(load.at(0), 1);
  t.is(load.at(10 * US - 1), 1);
  t.is(load.at(10 * US), 2);
  t.is(load.at(25 * US), 1.25);
  t.is(load.apply(4 * US, 15 * US), 8 * US);
  t.is(load.apply(4 * US, 30 * US), 5 * US);
});

test('background utilization u stretches compute by 1/(1-u)', (t) => {
  t.is(loadFactorFromUtilization(0), 1);
  t.is(loadFactorFromUtilization(0.5), 2);
  t.is(loadFactorFromUtilization(0.75), 4);
  t.throws(() => loadFactorFromUtilization(1), { instanceOf: ConfigError });
});

test('bad factors and unordered steps are rejected by name', (t) => {
  t.throws(() => new LoadFactor(0), { instanceOf: ConfigError, message: /loadFactor/ });
  const e = t.throws(
    () =>
      new LoadFactor(1, [
        { from: 5, factor: 2 },
        { from: 5, factor: 3 },
      ]),
    { instanceOf: ConfigError },
  );
  t.is(e?.option, 'loadSteps[1].from');
});
