/**
 * The reference verdict: Debian's `openssl verify` on the same certificates
 * (PEM files in a fresh temporary directory), at the tests' clock.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NOW } from './fixtures.js';

export const OPENSSL = '/usr/bin/openssl';

/** Whether the openssl binary is there (the tests fail, rather than skip, without it). */
export const haveOpenssl = (): boolean => existsSync(OPENSSL);

export interface OpensslCase {
  /** The trust anchor, PEM (`-CAfile`). */
  readonly anchor: string;
  /** Intermediates, PEM (`-untrusted`), any order. */
  readonly intermediates: readonly string[];
  /** The leaf, PEM. */
  readonly leaf: string;
  /** `-verify_hostname`. */
  readonly hostname?: string;
  /** `-verify_ip`. */
  readonly ip?: string;
}

export interface OpensslVerdict {
  readonly ok: boolean;
  /** What openssl printed, for the test log. */
  readonly output: string;
}

/** Runs `openssl verify -attime NOW -CAfile anchor.pem [-untrusted inter.pem] [-verify_hostname h] [-verify_ip a] leaf.pem`. */
export function opensslVerify(c: OpensslCase): OpensslVerdict {
  const dir = mkdtempSync(join(tmpdir(), 'dtls13-openssl-'));
  try {
    const anchor = join(dir, 'anchor.pem');
    const leaf = join(dir, 'leaf.pem');
    writeFileSync(anchor, c.anchor);
    writeFileSync(leaf, c.leaf);
    const args = ['verify', '-attime', String(Math.floor(NOW / 1000)), '-CAfile', anchor];
    if (c.intermediates.length > 0) {
      const untrusted = join(dir, 'inter.pem');
      writeFileSync(untrusted, c.intermediates.join(''));
      args.push('-untrusted', untrusted);
    }
    if (c.hostname !== undefined) args.push('-verify_hostname', c.hostname);
    if (c.ip !== undefined) args.push('-verify_ip', c.ip);
    args.push(leaf);
    try {
      const out = execFileSync(OPENSSL, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      return { ok: true, output: out.trim() };
    } catch (e) {
      const err = e as { status?: number | null; stdout?: string; stderr?: string };
      if (typeof err.status !== 'number') throw e; // openssl did not run
      return { ok: false, output: `${err.stdout ?? ''}${err.stderr ?? ''}`.trim() };
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
