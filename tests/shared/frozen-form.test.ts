import test from 'ava';
import { freezeForm, FrozenFormError, thawForm, type Schema } from '../../runtime/shared/frozen-form.js';

/** The frozen form (a hibernated session's): every kind round trips, and what is not a form of the schema is a FrozenFormError naming where. */

interface Sample {
  readonly n: number;
  readonly big: number;
  readonly negative: number;
  readonly at: number;
  readonly flag: boolean;
  readonly secret: Uint8Array;
  readonly name: string;
  readonly absent: string | undefined;
  readonly present: number | undefined;
  readonly words: readonly number[];
  readonly inner: { readonly a: number; readonly b: readonly Uint8Array[] };
}

const SCHEMA = [
  ['n', 'uint'],
  ['big', 'uint'],
  ['negative', 'int'],
  ['at', 'float'],
  ['flag', 'bool'],
  ['secret', 'bytes'],
  ['name', 'text'],
  ['absent', { optional: 'text' }],
  ['present', { optional: 'uint' }],
  ['words', { list: 'uint' }],
  [
    'inner',
    {
      record: [
        ['a', 'int'],
        ['b', { list: 'bytes' }],
      ],
    },
  ],
] as const satisfies Schema<Sample>;

const sample: Sample = {
  n: 3,
  big: 2 ** 53 - 1,
  negative: -1,
  at: 1234.5678,
  flag: true,
  secret: Uint8Array.from({ length: 48 }, (_, i) => (i * 37) & 0xff),
  name: 'tls_aes_128_gcm_sha256 ✓',
  absent: undefined,
  present: 0,
  words: [0x3fffffff, 0, 1],
  inner: { a: -300, b: [new Uint8Array(0), Uint8Array.of(0xff)] },
};

test('every kind round trips, and the form is one character per byte', (t) => {
  const frozen = freezeForm(sample, SCHEMA, 'sample');
  t.true([...frozen].every((c) => c.charCodeAt(0) <= 0xff));
  t.deepEqual(thawForm<Sample>(frozen, SCHEMA, 'sample'), sample);
});

test('integers are varints: a byte below 128, one more per 7 bits', (t) => {
  const size = (n: number): number => freezeForm({ ...sample, n }, SCHEMA, 'sample').length;
  t.is(size(200), size(5) + 1);
  t.is(size(2 ** 21), size(5) + 3);
});

test('what is not a form of the schema throws a FrozenFormError naming the field and offset', (t) => {
  const frozen = freezeForm(sample, SCHEMA, 'sample');
  const short = t.throws(() => thawForm(frozen.slice(0, 20), SCHEMA, 'sample'), { instanceOf: FrozenFormError });
  t.regex(short.message, /sample\.\w+ at offset \d+: ends early/);
  t.throws(() => thawForm(`${frozen}x`, SCHEMA, 'sample'), {
    instanceOf: FrozenFormError,
    message: /1 bytes left over/,
  });
  t.throws(() => thawForm(`${frozen.slice(0, 5)}\u0100${frozen.slice(6)}`, SCHEMA, 'sample'), {
    instanceOf: FrozenFormError,
    message: /above 0xff/,
  });
  t.throws(() => freezeForm({ ...sample, n: -1 }, SCHEMA, 'sample'), {
    instanceOf: FrozenFormError,
    message: /sample\.n/,
  });
});
