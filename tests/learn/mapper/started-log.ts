/**
 * The log a started peer's command writes (`echo "{port} $$" >> LOG; exec ...`: its port and pid, then it becomes the
 * peer), and the check the started-servers and started-clients tests share on it.
 */
import type { ExecutionContext } from 'ava';
import { readFileSync } from 'node:fs';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * `sessions` peers and `ahead` spares no session took were started, each on a port of its own, and every one has
 * stopped once the SUL is closed.
 */
export function assertStartedAndStopped(
  t: ExecutionContext,
  log: string,
  sessions: number,
  ahead: number,
  noun: 'server' | 'client',
): void {
  const started = readFileSync(log, 'utf8')
    .trim()
    .split('\n')
    .map((line) => line.split(' ').map(Number) as [number, number]);
  t.is(
    started.length,
    sessions + ahead,
    `${sessions} sessions, and ${ahead} ${noun}s started ahead that no session took`,
  );
  t.is(new Set(started.map(([port]) => port)).size, started.length, `a port of its own for each ${noun}`);
  t.deepEqual(
    started.filter(([, pid]) => alive(pid)),
    [],
    `every ${noun} stopped once the SUL is closed`,
  );
}
