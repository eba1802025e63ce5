import test from 'ava';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileSink, StringSink, VcdWriter } from '../../../hwmodel/trace/index.js';
import type { TraceSink } from '../../../hwmodel/trace/index.js';

function dump(sink: TraceSink, steps: number, probe?: (step: number) => void): void {
  const vcd = new VcdWriter(sink);
  const n = vcd.integer('top.n');
  for (let i = 1; i <= steps; i++) {
    vcd.change(i * 10, n, i);
    probe?.(i);
  }
  vcd.close(steps * 10 + 10);
}

test('a file sink streams: the file grows during the run, and ends with the same bytes as a string sink', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'dtls13-sink-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'x.vcd');
  const sizes: number[] = [];
  dump(new FileSink(path, 256), 2000, (i) => {
    if (i % 500 === 0) sizes.push(statSync(path).size);
  });
  t.true(
    sizes.every((s, i) => s > 0 && (i === 0 || s > (sizes[i - 1] ?? 0))),
    `file sizes during the run: ${sizes.join(', ')}`,
  );
  const reference = new StringSink();
  dump(reference, 2000);
  t.is(readFileSync(path, 'utf8'), reference.text);
});

test('closed sinks refuse writes', (t) => {
  const s = new StringSink();
  s.close();
  t.throws(() => s.write('x'));
});
