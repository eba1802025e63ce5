/**
 * Debian's IoT-side DTLS peers as child processes for the tests: GnuTLS 3.7's `gnutls-serv --udp` / `gnutls-cli --udp`
 * and libcoap 4.3's `coap-server-*` / `coap-client-*` (its OpenSSL and GnuTLS builds), on loopback, with files
 * written from certificates and keys the tests make. .ci/run installs gnutls-bin and libcoap3-bin; a missing program
 * fails the test that needs it, saying which package to install (nothing is skipped).
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pemIdentity } from '../api/fixtures.js';

/** Throws naming the Debian package when `command` is not on the PATH. */
export function requireCommand(command: string, debianPackage: string): void {
  const found = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' });
  if (found.status !== 0)
    throw new Error(`${command} is not installed: apt-get install ${debianPackage} (.ci/run does)`);
}

/**
 * The handshake timeout the tests give dtls13 against a peer on a heavy runtime (a JVM, a BEAM): its first handshake
 * runs cold code, which on a loaded 2-core machine takes many seconds; a slow peer is no failure of ours.
 */
export const SLOW_PEER_HANDSHAKE_MS = 60_000;

/** A peer program: its output collected, its input written, stopped at the end. */
export class PeerProcess {
  readonly child: ChildProcessWithoutNullStreams;
  out = '';
  private readonly command: string;
  /** Whether the program has ended and its output is all read ('close'). */
  private closed = false;

  constructor(command: string, args: readonly string[]) {
    this.command = command;
    // Line-buffered output (coreutils' stdbuf): the programs' stdio buffers a pipe in 4 KiB blocks, which a short line never fills.
    this.child = spawn('stdbuf', ['-oL', '-eL', command, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout.on('data', (b: Buffer) => (this.out += b.toString('latin1')));
    this.child.stderr.on('data', (b: Buffer) => (this.out += b.toString('latin1')));
    this.child.once('close', () => (this.closed = true));
  }

  /**
   * Resolves once the output shows `text`, the program's word that it is up ("listening PORT"); rejects when it ends
   * first. No deadline of its own: a JVM or a BEAM started on a loaded 2-core machine may take a minute, and a slow
   * start is no failure of ours; the test's own timeout bounds the wait.
   */
  ready(text: string | RegExp): Promise<void> {
    const seen = (): boolean => (typeof text === 'string' ? this.out.includes(text) : text.test(this.out));
    return new Promise<void>((resolve, reject) => {
      const settle = (): void => {
        if (!seen() && !this.closed) return;
        this.child.stdout.off('data', settle);
        this.child.stderr.off('data', settle);
        this.child.off('close', settle);
        if (seen()) resolve();
        else
          reject(
            new Error(
              `${this.command} ended (exit ${String(this.child.exitCode)}) before it printed ${String(text)}:\n${this.out}`,
            ),
          );
      };
      // After the constructor's listeners: `out` holds each chunk when this runs.
      this.child.stdout.on('data', settle);
      this.child.stderr.on('data', settle);
      this.child.on('close', settle);
      settle();
    });
  }

  /**
   * The port a server started on port 0 printed once bound ("listening PORT"). A port chosen by the test and freed
   * for the program to bind can be taken by another test's socket in between, and a JVM or a BEAM on a loaded machine
   * takes tens of seconds to get there; a port the program chose itself cannot.
   */
  async listeningPort(): Promise<number> {
    await this.ready(/listening \d+/);
    const port = /listening (\d+)/.exec(this.out)?.[1];
    if (port === undefined) throw new Error(`${this.command} printed no port:\n${this.out}`);
    return Number(port);
  }

  /** Resolves when the output shows `text`; rejects when the program exits first or after `ms`. */
  async waitFor(text: string | RegExp, ms = 20_000): Promise<void> {
    const deadline = Date.now() + ms;
    const seen = (): boolean => (typeof text === 'string' ? this.out.includes(text) : text.test(this.out));
    while (!seen()) {
      if (Date.now() > deadline || this.child.exitCode !== null)
        throw new Error(
          `${this.command} did not print ${String(text)} (exit ${String(this.child.exitCode)}):\n${this.out}`,
        );
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** Resolves with the exit code once the program has ended. */
  exited(): Promise<number | null> {
    if (this.child.exitCode !== null) return Promise.resolve(this.child.exitCode);
    return new Promise((resolve) => this.child.on('close', (code) => resolve(code)));
  }

  write(text: string): void {
    this.child.stdin.write(text);
  }

  stop(): void {
    if (this.child.exitCode === null) this.child.kill('SIGTERM');
  }
}

/** The PSK both ends share: identity and a 16-byte key, as RFC 7925 devices are provisioned. */
export const IOT_PSK = { identity: 'sensor-7', keyHex: '00112233445566778899aabbccddeeff' } as const;

/** A server identity for 'localhost' (ECDSA P-256) and a client one, as PEM texts and as files. */
export interface IotMaterial {
  readonly dir: string;
  readonly server: ReturnType<typeof pemIdentity> & {
    readonly certFile: string;
    readonly keyFile: string;
    readonly caFile: string;
  };
  readonly client: ReturnType<typeof pemIdentity> & {
    readonly certFile: string;
    readonly keyFile: string;
    readonly caFile: string;
  };
  /** GnuTLS's `--pskpasswd` file: `identity:hexkey`. */
  readonly pskFile: string;
  remove(): void;
}

export function iotMaterial(): IotMaterial {
  const dir = mkdtempSync(join(tmpdir(), 'dtls13-iot-'));
  const files = (name: string, id: ReturnType<typeof pemIdentity>): IotMaterial['server'] => {
    const certFile = join(dir, `${name}-cert.pem`);
    const keyFile = join(dir, `${name}-key.pem`);
    const caFile = join(dir, `${name}-ca.pem`);
    writeFileSync(certFile, id.cert);
    writeFileSync(keyFile, id.key);
    writeFileSync(caFile, id.ca);
    return { ...id, certFile, keyFile, caFile };
  };
  const pskFile = join(dir, 'psk.txt');
  writeFileSync(pskFile, `${IOT_PSK.identity}:${IOT_PSK.keyHex}\n`);
  return {
    dir,
    server: files('server', pemIdentity('localhost', 'IoT test server CA')),
    client: files('client', pemIdentity('client.test', 'IoT test client CA')),
    pskFile,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
