// Loaded into every test process (ava's `require`). When DTLS13_TEST_CPU_LEDGER names a file, each test process adds
// one line to it as it exits: the CPU its own threads used and that of the child processes it waited for (peers, CLI
// runs, compilers), in ms, then its test file. `npm test` sets it and prints the files that cost the most
// (scripts/cpu-ledger.ts): on a 2-core machine the run's length is its CPU, so that list says where to cut.
import { appendFileSync, readFileSync } from 'node:fs';
import process from 'node:process';
import test from 'ava';

const ledger = process.env['DTLS13_TEST_CPU_LEDGER'];

/** The CPU of the children this process waited for, ms: /proc/self/stat's cutime and cstime (100 ticks a second). */
function childrenMs(): number {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return 0;
  }
}

if (ledger !== undefined && ledger !== '') {
  const file = test.meta.file;
  process.on('exit', () => {
    const own = process.cpuUsage();
    appendFileSync(ledger, `${Math.round((own.user + own.system) / 1000)}\t${childrenMs()}\t${file}\n`);
  });
}
