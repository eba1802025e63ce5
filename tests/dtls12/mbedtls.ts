/** Mbed TLS 3.6's example programs (ssl_server2, ssl_client2), built from Debian's source by build-mbedtls.sh, as DTLS 1.2 peers. */
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

let programs: string | undefined;
export function mbedtls(): string {
  if (programs !== undefined) return programs;
  const script = fileURLToPath(new URL('./build-mbedtls.sh', import.meta.url));
  programs = execFileSync('bash', [script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
    .trim()
    .split('\n')
    .at(-1)!;
  return programs;
}

export class MbedPeer {
  readonly child: ChildProcessWithoutNullStreams;
  out = '';
  readonly exited: Promise<number | null>;
  constructor(program: 'ssl_server2' | 'ssl_client2', args: readonly string[]) {
    this.child = spawn(join(mbedtls(), program), ['dtls=1', 'force_version=dtls12', 'server_addr=127.0.0.1', ...args]);
    this.child.stdout.on('data', (b: Buffer) => (this.out += b.toString('latin1')));
    this.child.stderr.on('data', (b: Buffer) => (this.out += b.toString('latin1')));
    // 'close', not 'exit': the last output can still be unread at 'exit', and callers read `out` after this.
    this.exited = new Promise((resolve) => this.child.on('close', (code) => resolve(code)));
  }
  async waitFor(text: string | RegExp, ms = 15_000): Promise<void> {
    const deadline = Date.now() + ms;
    const seen = (): boolean => (typeof text === 'string' ? this.out.includes(text) : text.test(this.out));
    while (!seen()) {
      if (Date.now() > deadline)
        throw new Error(`mbedtls did not print ${String(text)} (exit ${String(this.child.exitCode)}):\n${this.out}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }
  stop(): void {
    if (this.child.exitCode === null) this.child.kill('SIGTERM');
  }
}
