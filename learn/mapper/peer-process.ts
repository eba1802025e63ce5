import { spawn, type ChildProcess } from 'node:child_process';
import type { SessionPeer } from './session.js';

/**
 * A client peer started for one session: `command` run by /bin/sh in its own process group (so stopping it stops what
 * it started), its standard input held open (clients that read lines to send do not take end-of-file for the end),
 * its output discarded. `onExit` runs when it ends.
 */
export class PeerProcess implements SessionPeer {
  private readonly child: ChildProcess;
  private readonly exited: Promise<void>;
  private running = true;

  constructor(command: string, onExit: () => void) {
    this.child = spawn('/bin/sh', ['-c', command], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
    this.child.stdin?.on('error', () => undefined);
    this.exited = new Promise((resolve) => {
      const done = (): void => {
        this.running = false;
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
    if (this.running && this.child.pid !== undefined) {
      try {
        process.kill(-this.child.pid, 'SIGKILL');
      } catch {
        this.child.kill('SIGKILL');
      }
    }
    await this.exited;
  }
}
