/**
 * Debian's OpenSSL 3.0 as a DTLS 1.2 peer for the tests: `openssl s_server
 * -dtls1_2` and `s_client -dtls1_2`, started on 127.0.0.1 with PEM files
 * written from the tests' certificates; stdout collected, stdin written.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPrivateKey } from 'node:crypto';

export function pem(label: string, der: Uint8Array): string {
  const b64 = Buffer.from(der)
    .toString('base64')
    .replace(/(.{64})/g, '$1\n');
  return `-----BEGIN ${label}-----\n${b64}${b64.endsWith('\n') ? '' : '\n'}-----END ${label}-----\n`;
}

/** Writes an identity's files; returns their paths. */
export function identityFiles(id: {
  readonly chain: readonly Uint8Array[];
  readonly privateKey: Uint8Array;
  readonly caDer: Uint8Array;
}): {
  cert: string;
  key: string;
  ca: string;
  dir: string;
} {
  const dir = mkdtempSync(join(tmpdir(), 'dtls12-openssl-'));
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  const ca = join(dir, 'ca.pem');
  writeFileSync(cert, id.chain.map((c) => pem('CERTIFICATE', c)).join(''));
  writeFileSync(
    key,
    createPrivateKey({ key: Buffer.from(id.privateKey), format: 'der', type: 'pkcs8' }).export({
      format: 'pem',
      type: 'pkcs8',
    }),
  );
  writeFileSync(ca, pem('CERTIFICATE', id.caDer));
  return { cert, key, ca, dir };
}

export async function freeUdpPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
  const port = s.address().port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

export class OpenSslPeer {
  readonly child: ChildProcessWithoutNullStreams;
  out = '';
  err = '';

  constructor(args: readonly string[]) {
    this.child = spawn('openssl', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout.on('data', (b: Buffer) => (this.out += b.toString('latin1')));
    this.child.stderr.on('data', (b: Buffer) => (this.err += b.toString('latin1')));
  }

  /** Resolves when stdout or stderr shows `text`; rejects after `ms`. */
  async waitFor(text: string | RegExp, ms = 15_000): Promise<void> {
    const deadline = Date.now() + ms;
    const seen = (): boolean =>
      typeof text === 'string' ? (this.out + this.err).includes(text) : text.test(this.out + this.err);
    while (!seen()) {
      if (Date.now() > deadline || this.child.exitCode !== null)
        throw new Error(
          `openssl did not print ${String(text)} (exit ${String(this.child.exitCode)}):\n${this.out}\n${this.err}`,
        );
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  write(line: string): void {
    this.child.stdin.write(line);
  }

  stop(): void {
    if (this.child.exitCode === null) this.child.kill('SIGTERM');
  }
}
