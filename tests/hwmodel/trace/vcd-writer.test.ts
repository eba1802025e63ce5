import test from 'ava';
import { StringSink, VcdWriter, identifierCode } from '../../../hwmodel/trace/index.js';

test('identifier codes are printable, unique and shortest first', (t) => {
  t.is(identifierCode(0), '!');
  t.is(identifierCode(93), '~');
  t.is(identifierCode(94), '!!');
  t.is(identifierCode(94 + 94 * 94 - 1), '~~');
  t.is(identifierCode(94 + 94 * 94), '!!!');
  const seen = new Set<string>();
  for (let i = 0; i < 20_000; i++) {
    const id = identifierCode(i);
    t.regex(id, /^[!-~]+$/);
    seen.add(id);
  }
  t.is(seen.size, 20_000);
});

test('header, nested scopes, initial values and time sections', (t) => {
  const sink = new StringSink();
  const vcd = new VcdWriter(sink, { date: 'today', version: 'v1' });
  const busy = vcd.wire('top.engine.busy');
  const bus = vcd.wire('top.engine.bus', 8, 5);
  const depth = vcd.integer('top.queue.depth', 2);
  const load = vcd.real('top.load', 0.5);
  const lone = vcd.wire('flag');
  vcd.change(0, busy, true);
  vcd.change(10, bus, 0xa5);
  vcd.change(10, depth, -1);
  vcd.change(25, load, 1.5);
  vcd.change(25, lone, 'x');
  vcd.close(40);
  t.is(
    sink.text,
    [
      '$date today $end',
      '$version v1 $end',
      '$timescale 1ps $end',
      '$scope module top $end',
      '$scope module engine $end',
      '$var wire 1 ! busy $end',
      '$var wire 8 " bus $end',
      '$upscope $end',
      '$scope module queue $end',
      '$var integer 32 # depth $end',
      '$upscope $end',
      '$var real 64 $ load $end',
      '$var wire 1 % flag $end',
      '$upscope $end',
      '$enddefinitions $end',
      '#0',
      '$dumpvars',
      '0!',
      'b101 "',
      'b10 #',
      'r0.5 $',
      '0%',
      '$end',
      '1!',
      '#10',
      'b10100101 "',
      'b11111111111111111111111111111111 #',
      '#25',
      'r1.5 $',
      'x%',
      '#40',
      '',
    ].join('\n'),
  );
});

test('unchanged values are not repeated and empty time steps are not written', (t) => {
  const sink = new StringSink();
  const vcd = new VcdWriter(sink);
  const a = vcd.wire('top.a');
  vcd.change(5, a, 0);
  vcd.change(7, a, 1);
  vcd.change(9, a, 1);
  vcd.close();
  const body = sink.text.split('$enddefinitions $end\n')[1] ?? '';
  t.is(body, '#0\n$dumpvars\n0!\n$end\n#7\n1!\n');
});

test('time cannot go back; values must fit; declarations end with the first change', (t) => {
  const vcd = new VcdWriter(new StringSink());
  const a = vcd.wire('top.a');
  const b = vcd.wire('top.b', 4);
  t.throws(() => vcd.wire('top.a'), { message: /already declared/ });
  t.throws(() => vcd.wire('top.a.x'), { message: /already a signal/ });
  t.throws(() => vcd.wire('top.bad name'), { instanceOf: RangeError });
  vcd.change(100, a, 1);
  t.throws(() => vcd.change(99, a, 0), { instanceOf: RangeError, message: /cannot go back/ });
  t.throws(() => vcd.change(100, b, 16), { instanceOf: RangeError, message: /does not fit in 4 bits/ });
  t.throws(() => vcd.change(100, a, 2), { instanceOf: RangeError });
  t.throws(() => vcd.change(100.5, a, 0), { instanceOf: RangeError });
  t.throws(() => vcd.wire('top.late'), { message: /before the first value change/ });
  t.is(vcd.time, 100);
  vcd.close();
  t.throws(() => vcd.change(200, a, 0), { message: /closed/ });
});

test('the same changes give the same bytes', (t) => {
  const run = () => {
    const sink = new StringSink();
    const vcd = new VcdWriter(sink);
    const s = Array.from({ length: 200 }, (_, i) => vcd.integer(`top.u${i}.n`));
    s.forEach((sig, i) => vcd.change(i * 3, sig, i * 7 - 300));
    vcd.close(1000);
    return sink.text;
  };
  t.is(run(), run());
});
