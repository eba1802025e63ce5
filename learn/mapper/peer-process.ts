import { spawn, type ChildProcess } from 'node:child_process';
import type { SessionPeer } from './session.js';

/** Every peer process this process started and has not seen end, for the exit hook below. */
const live = new Set<ChildProcess>();

/** SIGKILL to a peer's process group (what `sh -c` started too), or to the shell alone if the group is gone. */
function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}

/**
 * Runs when this process exits (`process.exit`, the end of the event loop, an uncaught error; not a signal's default
 * action, which runs no JavaScript: a program that wants its peers gone on SIGINT or SIGTERM turns the signal into
 * `process.exit`, as `dtls13 learn` does). The peers run detached, in their own process groups, so nothing else would
 * stop them: each group still running gets SIGKILL, synchronously.
 */
function killAllOnExit(): void {
  for (const child of live) killGroup(child);
  live.clear();
}

function track(child: ChildProcess): void {
  if (live.size === 0) process.on('exit', killAllOnExit);
  live.add(child);
}

function untrack(child: ChildProcess): void {
  if (!live.delete(child)) return;
  if (live.size === 0) process.off('exit', killAllOnExit);
}

/**
 * A peer started for one session: `command` run by /bin/sh in its own process group (so stopping it stops what it
 * started), its standard input held open (clients that read lines to send do not take end-of-file for the end), its
 * output discarded. `onExit` runs when it ends. Until then it is tracked: if this process exits first, the group is
 * killed.
 */
export class PeerProcess implements SessionPeer {
  private readonly child: ChildProcess;
  private readonly exited: Promise<void>;
  private running = true;

  constructor(command: string, onExit: () => void) {
    this.child = spawn('/bin/sh', ['-c', command], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
    this.child.stdin?.on('error', () => undefined);
    track(this.child);
    this.exited = new Promise((resolve) => {
      const done = (): void => {
        this.running = false;
        untrack(this.child);
        onExit();
        resolve();
      };
      this.child.once('exit', done);
      this.child.once('error', done);
    });
  }

  alive(): boolean {
    return this.running;
  }

  async stop(): Promise<void> {
    if (this.running) killGroup(this.child);
    await this.exited;
  }
}
