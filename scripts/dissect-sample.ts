/**
 * Records the capture docs/cli.md dissects and draws as a ladder
 * (docs/dissect/idle-close.pcap, with the client's key log beside it as
 * idle-close.keys): a dtls13 client and a dtls13 server on loopback, captured
 * by tcpdump; the handshake (a HelloRetryRequest with a cookie), one line
 * and its echo, then nothing until the server's idle timeout (its default,
 * 300 s) closes the session with close_notify. The run takes that long: the
 * gap in the capture is real. Needs tcpdump with the right to capture on
 * `lo`; the capture is filtered to the server's port at the end (the probes
 * that tell tcpdump is listening go to a port of their own, which another
 * program may take up meanwhile). Run: `npx tsx scripts/dissect-sample.ts`.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { captureEcho } from '../tests/dissect/echo-capture.js';

const DIR = resolve(import.meta.dirname, '../docs/dissect');
const pcap = join(DIR, 'idle-close.pcap');
const keys = join(DIR, 'idle-close.keys');
mkdirSync(DIR, { recursive: true });

const raw = `${pcap}.raw`;
const port = await captureEcho(raw, keys, async (client) => {
  const echoed = new Promise<Buffer>((r) => (client.onmessage = r));
  client.send('hello');
  await echoed;
  process.stdout.write('echoed; waiting for the server to close the idle session (300 s)\n');
  await client.closed.catch(() => undefined);
});
execFileSync('tcpdump', ['-r', raw, '-w', pcap, `udp port ${port}`], { stdio: 'ignore' });
rmSync(raw);
process.stdout.write(`written ${pcap} and ${keys}\n`);
