/** Captures loopback UDP with Debian's tcpdump, for the dissector tests. */
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, statSync } from 'node:fs';
import { freePort } from '../interop/wolfssl.js';

export interface Capture {
  /** Stops tcpdump (SIGINT: it writes out what it has) and resolves once the file is complete. */
  stop(): Promise<void>;
}

const PCAP_HEADER = 24;

/**
 * Starts `tcpdump -i lo -U -w FILE` for UDP on `ports` (every UDP datagram
 * when empty); resolves once packets reach the file: tcpdump says it is
 * listening a moment before its filter is attached, so probe datagrams
 * (not DTLS: the dissector skips them) go to a port of their own until one
 * is written.
 */
export async function captureLoopback(file: string, ports: readonly number[]): Promise<Capture> {
  const probePort = await freePort();
  const filter = ports.length === 0 ? 'udp' : `udp and (${[...ports, probePort].map((p) => `port ${p}`).join(' or ')})`;
  const child = spawn('tcpdump', ['-i', 'lo', '--immediate-mode', '-U', '-n', '-w', file, filter], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  let gone = false;
  void exited.then(() => (gone = true));
  const probe = createSocket('udp4');
  /** Sends probes until the file grows past `size`: every datagram sent before is then in it. */
  const probeUntilWritten = async (size: number): Promise<void> => {
    for (let i = 0; ; i++) {
      if (gone) throw new Error(`tcpdump exited: ${stderr}`);
      if (i > 100) throw new Error(`tcpdump wrote no packet in 10 s: ${stderr}`);
      if (existsSync(file) && statSync(file).size > size) return;
      probe.send('probe', probePort, '127.0.0.1');
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  await probeUntilWritten(PCAP_HEADER);
  return {
    stop: async () => {
      await new Promise((r) => setTimeout(r, 200)); // the peers' last datagrams (a close_notify) leave
      await probeUntilWritten(statSync(file).size);
      probe.close();
      child.kill('SIGINT');
      await exited;
    },
  };
}
