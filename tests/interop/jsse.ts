/**
 * JSSE (OpenJDK 17's javax.net.ssl.SSLEngine, Debian's openjdk-17-jdk-headless) as a DTLS 1.2 peer: the test's own
 * small program, tests/interop/jsse/DtlsPeer.java, compiled once into ${DTLS13_CACHE:-~/.cache/dtls13}/jsse-peer
 * (outside the clone; again when the source is newer) and run on loopback in either role. .ci/run runs
 * tests/interop/install-jsse.sh; without javac the test that needs it fails, saying what to install.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PeerProcess, requireCommand } from './iot-peers.js';

const SOURCE = fileURLToPath(new URL('./jsse/DtlsPeer.java', import.meta.url));

/** The directory holding DtlsPeer.class, compiled now when missing or older than its source. */
export function jssePeerClasses(): string {
  const out = join(process.env.DTLS13_CACHE ?? join(homedir(), '.cache', 'dtls13'), 'jsse-peer');
  const compiled = join(out, 'DtlsPeer.class');
  if (existsSync(compiled) && statSync(compiled).mtimeMs >= statSync(SOURCE).mtimeMs) return out;
  requireCommand('javac', 'openjdk-17-jdk-headless (bash tests/interop/install-jsse.sh)');
  mkdirSync(out, { recursive: true });
  const r = spawnSync('javac', ['-d', out, SOURCE], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`javac ${SOURCE} failed: ${r.stderr}`);
  return out;
}

/**
 * `java DtlsPeer server PORT ...` or `client 127.0.0.1:PORT ...`; `groups`: JSSE's named groups
 * (jdk.tls.namedGroups, its own spelling: x25519, secp256r1, ...), its defaults when undefined.
 */
export function startJsse(role: 'server' | 'client', args: readonly string[], groups?: readonly string[]): PeerProcess {
  const classes = jssePeerClasses();
  requireCommand('java', 'openjdk-17-jdk-headless (bash tests/interop/install-jsse.sh)');
  return new PeerProcess('java', [
    ...(groups ? [`-Djdk.tls.namedGroups=${groups.join(',')}`] : []),
    '-cp',
    classes,
    'DtlsPeer',
    role,
    ...args,
  ]);
}
