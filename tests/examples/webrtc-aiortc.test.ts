/**
 * examples/webrtc's peer against Debian's aiortc (python3-aiortc: Python,
 * DTLS through pyOpenSSL and OpenSSL 3.0, SRTP through libsrtp2) as the
 * offerer, both DTLS roles: aiortc-peer.py, run by Debian's own python3.
 * aiortc's ICE gathers no loopback candidates, so it runs in a network
 * namespace joined to this one by a veth pair, with a default route back,
 * and our peer answers on the link's other end. We offer up to DTLS 1.3;
 * aiortc has 1.2 only, which both sides must settle on. aiortc sends one
 * RTP packet the test chose, which must open, payload unchanged, with the
 * keys dtls13 exports.
 */
import test from 'ava';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Lines, systemTool, TestBed } from '../support/netns.js';
import { answerEachRole } from './webrtc-offerers.js';

const PYTHON = '/usr/bin/python3'; // Debian's, with python3-aiortc (not one earlier on PATH, such as pyenv's)
const SCRIPT = fileURLToPath(new URL('aiortc-peer.py', import.meta.url));

/** aiortc's version as Debian's python3 imports it. */
function aiortcVersion(): string {
  if (!existsSync(PYTHON))
    throw new Error(`${PYTHON} is missing: tests/examples/install-aiortc.sh installs python3-aiortc`);
  try {
    return execFileSync(PYTHON, ['-c', 'import aiortc; print(aiortc.__version__)']).toString().trim();
  } catch (e) {
    throw new Error('aiortc does not import: tests/examples/install-aiortc.sh installs python3-aiortc', { cause: e });
  }
}

const version = aiortcVersion();
let bed: TestBed;
let ns = '';
let host = '';

test.before(() => {
  bed = new TestBed();
  ns = bed.namespace('ai');
  const subnet = `10.227.${bed.octet}`;
  bed.link(undefined, ns, subnet);
  bed.exec(ns, 'ip', 'route', 'add', 'default', 'via', `${subnet}.1`);
  host = `${subnet}.1`;
});

test.after.always(() => bed?.destroy());

/** What aiortc-peer.py prints once connected: DTLS as aiortc's RTCDtlsTransport reports it. */
interface AiortcConnected {
  readonly version: string;
  readonly role: string;
  readonly aiortc: string;
}

answerEachRole(
  { peer: 'aiortc', version },
  async () => {
    const child = spawn(systemTool('ip'), ['netns', 'exec', ns, PYTHON, SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out = new Lines(child.stdout);
    const err = new Lines(child.stderr);
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const tell = (message: object): void => void child.stdin.write(JSON.stringify(message) + '\n');
    const read = async <T>(key: string): Promise<T> => {
      const line = await out.wait(new RegExp(`^\\{"(${key}|error)": .*$`, 'm'), 60_000).catch((e: unknown) => {
        throw new Error(`aiortc-peer.py: ${String(e)}; stderr: ${err.all.slice(-2000)}`, { cause: e });
      });
      const message = JSON.parse(line[0]) as Record<string, unknown>;
      if ('error' in message)
        throw new Error(`aiortc-peer.py: ${String(message['error'])}; stderr: ${err.all.slice(-2000)}`);
      return message[key] as T;
    };
    const offer = await read<string>('offer');
    let ourSetup = '';
    const connected = read<AiortcConnected>('connected').then((c) => {
      // aiortc's own view: DTLS 1.2, and the role opposite ours (we are the server with a=setup:passive).
      const expected = ourSetup === 'passive' ? 'client' : 'server';
      if (c.version !== 'DTLSv1.2' || c.role !== expected || c.aiortc !== version)
        throw new Error(`aiortc reports ${JSON.stringify(c)}; expected DTLSv1.2, role ${expected}, aiortc ${version}`);
    });
    connected.catch(() => {}); // answerEachRole awaits it
    return {
      offer,
      answered: async (sdp) => {
        ourSetup = sdp.match(/^a=setup:(\w+)/m)?.[1] ?? '';
        tell({ answer: sdp });
      },
      connected,
      sendRtp: (payload) => {
        const header = Buffer.from('80ef000100000001000a1c7e', 'hex'); // version 2, marker, payload type 111, sequence 1, an SSRC
        tell({ rtp: Buffer.concat([header, payload]).toString('hex') });
      },
      close: async () => {
        tell({ close: true });
        const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(killer);
      },
    };
  },
  () => host,
);
