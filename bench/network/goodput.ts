import { createSocket, type Socket } from 'node:dgram';
import { nativeProvider } from '../../runtime/crypto/native/index.js';
import { nodeProvider } from '../../runtime/crypto/node/index.js';
import type { CryptoProvider } from '../../runtime/crypto/provider.js';
import type { SupportedCipherSuite } from '../../runtime/crypto/suites.js';
import { openClientEndpoint } from '../../tests/support/udp-client.js';
import { WOLF_SUITES, type PemFiles } from '../../tests/interop/wolfssl.js';
import type { Identity } from '../../tests/support/pki-fixtures.js';
import type { Peer } from './peer.js';
import type { Receiver } from './protocol.js';
import { aeadCeiling } from './aead-ceiling.js';
import { mbit, median, perSecond, spread } from './stats.js';
import { jsTrial, type GoodputOptions, type Trial } from './trial.js';
import { DatagramIo } from '../../runtime/node/datagram-io.js';
import { probeOffload, udpBatchTool, udpBatchTrial } from './udp-batch.js';
import { cTrial, wolfGoodputTool, type WolfVariant } from './wolf-goodput.js';
import { connectSystem, SUITE_12_FOR } from './dtls12.js';

export type { GoodputOptions } from './trial.js';

/**
 * Application-data goodput on loopback, sender and receiver in two
 * processes: dtls13 on the node provider and on the native one (client here
 * → server in the peer process), the native one again with its sends
 * through node:dgram one datagram at a time (the runtime otherwise hands
 * each turn's datagrams to one sendmmsg call, runtime/node/datagram-io.ts),
 * plain node:dgram between the same two processes, and the C anchors: wolfSSL DTLS 1.3 without and with its
 * assembly, and plain UDP in C unbatched, with sendmmsg/recvmmsg, and with UDP GSO/GRO (udp-batch.c; each a
 * sender and a receiver process). The server side of dtls13 reads with recvmmsg and UDP GRO where the addon
 * and the kernel have them (runtime/node/datagram-io.ts); its sender sends each turn's equal datagrams as one GSO send. The
 * same payload, burst pacing and socket buffer sizes for all; every round
 * runs one trial of each, in an order reversed every other round, and every
 * ratio is the median of the per-round ratios to plain node:dgram, printed
 * with its spread, and every system's line says where its two sides ran
 * (placement.ts) and how much of dtls13's receiving came in GRO runs.
 */

interface System {
  readonly name: string;
  /** Suite-independent systems run with the first suite only. */
  readonly perSuite: boolean;
  run(suite: SupportedCipherSuite): Promise<Trial>;
  close?(): Promise<void>;
}

function sizeSocket(s: Socket, bufferSize: number): void {
  if (bufferSize <= 0) return;
  s.setSendBufferSize(bufferSize);
  s.setRecvBufferSize(bufferSize);
}

/**
 * A dtls13 client per suite on `provider`, to the peer's server on the same
 * provider; `unbatched`: its socket sends every datagram through node:dgram
 * (the runtime's batched I/O turned off for it, DatagramIo.setBatching), as
 * on a platform without sendmmsg.
 */
function dtls13(
  peer: Peer,
  port: number,
  provider: CryptoProvider,
  id: Identity,
  o: GoodputOptions,
  unbatched = false,
  receiver = '',
): System {
  const which: Receiver =
    receiver === BATCH ? 'dtls-native-batch' : provider.name === 'native' ? 'dtls-native' : 'dtls-node';
  const clients = new Map<SupportedCipherSuite, ReturnType<typeof openClientEndpoint>>();
  return {
    name: `dtls13, ${provider.name} provider${unbatched ? ', node:dgram sends' : ''}${receiver}`,
    perSuite: true,
    run: async (suite) => {
      let client = clients.get(suite);
      if (!client) {
        client = openClientEndpoint({
          port,
          provider,
          cipherSuites: [suite],
          trustAnchors: [id.caDer],
          serverName: 'localhost',
        });
        await client.handshake;
        sizeSocket(client.socket, o.bufferSize);
        if (unbatched) DatagramIo.of(client.socket).setBatching(false);
        else if (!DatagramIo.of(client.socket).batched)
          console.log('  (no batched datagram I/O here: every datagram goes through node:dgram)');
        clients.set(suite, client);
      }
      const c = client;
      const trial = await jsTrial(peer, which, (d) => c.send(d), o);
      if (c.isEnded)
        throw new Error(`the dtls13 client ended during the trial: ${c.endError?.message ?? 'no reason'}`, {
          cause: c.endError,
        });
      return trial;
    },
    close: async () => {
      for (const c of clients.values()) {
        c.close();
        await c.closed;
      }
    },
  };
}

function wolf(variant: WolfVariant, pem: PemFiles, o: GoodputOptions, dtls12 = false): System | undefined {
  try {
    const tool = wolfGoodputTool(variant);
    const name = variant === 'wolfssl' ? 'wolfSSL 5.7.2 C, no assembly' : 'wolfSSL 5.7.2 C + assembly';
    return {
      name: dtls12 ? `${name}, 1.2` : name,
      perSuite: true,
      // DTLS 1.2 with the ECDHE_ECDSA suite of the same AEAD (SUITE_12_FOR).
      run: (s) => (dtls12 ? cTrial(tool, o, pem, SUITE_12_FOR[s], true) : cTrial(tool, o, pem, WOLF_SUITES[s])),
    };
  } catch (e) {
    console.log(`  (${variant} unavailable: ${e instanceof Error ? e.message : String(e)})`);
    return undefined;
  }
}

/** The label of the native system whose server has the default, `messageBuffers: 'batch'` (docs/security/buffers.md). */
const BATCH = ", messageBuffers 'batch' (default)";
/** The label of the native system whose server has `messageBuffers: 'own'`, an ArrayBuffer per message. */
const OWN = ", messageBuffers 'own'";

/** The label of the native system whose receiver runs under node --no-concurrent-array-buffer-sweeping (docs/benchmarks.md, the receive path). */
const UNSWEPT = ', receiver under --no-concurrent-array-buffer-sweeping';

/**
 * Runs the goodput comparison for each suite and prints it.
 * `unswept`: a second peer process started with V8's concurrent ArrayBuffer sweeping off: the same server, measured as
 * its own system (the receiver's allocator no longer contends with V8's sweeper thread for glibc's arena lock).
 */
export async function goodput(
  peer: Peer,
  id: Identity,
  pem: PemFiles | undefined,
  o: GoodputOptions,
  suites: readonly SupportedCipherSuite[],
  unswept?: Peer,
): Promise<void> {
  const tx = createSocket('udp4');
  await new Promise<void>((r) => tx.bind(0, '127.0.0.1', () => r()));
  sizeSocket(tx, o.bufferSize);
  const plain: System = {
    name: 'plain node:dgram',
    perSuite: false,
    run: () => jsTrial(peer, 'udp', (d) => void tx.send(d, peer.udpPort, '127.0.0.1'), o),
  };
  const systems: System[] = [plain, dtls13(peer, peer.dtlsPort, nodeProvider, id, o)];
  if (nativeProvider && peer.nativePort !== undefined) {
    systems.push(dtls13(peer, peer.nativePort, nativeProvider, id, o, false, OWN));
    if (peer.nativeBatchPort !== undefined)
      systems.push(dtls13(peer, peer.nativeBatchPort, nativeProvider, id, o, false, BATCH));
    if (process.platform === 'linux') systems.push(dtls13(peer, peer.nativePort, nativeProvider, id, o, true));
    if (unswept?.nativePort !== undefined)
      systems.push(dtls13(unswept, unswept.nativePort, nativeProvider, id, o, false, UNSWEPT));
  } else console.log('  (no native provider here: the addon is not built or DTLS13_NATIVE=0)');
  const wolfs = pem ? [wolf('wolfssl', pem, o), wolf('wolfssl-asm', pem, o)].filter((s) => s !== undefined) : [];
  systems.push(...wolfs);
  // DTLS 1.2 beside 1.3, both through connect() on the default provider, and wolfSSL's 1.2 (issue 28).
  const provider12 = nativeProvider && peer.nativePort !== undefined ? nativeProvider : nodeProvider;
  const port12 = provider12 === nativeProvider ? (peer.nativeBatchPort ?? peer.dtlsPort) : peer.dtlsPort;
  systems.push(
    connectSystem(peer, port12, id, provider12, 'DTLSv1.3', o),
    connectSystem(peer, port12, id, provider12, 'DTLSv1.2', o),
  );
  if (pem)
    systems.push(...[wolf('wolfssl', pem, o, true), wolf('wolfssl-asm', pem, o, true)].filter((s) => s !== undefined));
  if (wolfs[0]) {
    const tool = wolfGoodputTool('wolfssl');
    systems.push({ name: 'plain C UDP', perSuite: false, run: () => cTrial(tool, o, undefined, '') });
  }
  systems.push(...batchedC(o));
  /** The suite-independent systems' trials (run with the first suite only): the same run's figures for every suite's ratios. */
  const first = new Map<System, Trial[]>();
  try {
    for (const [i, suite] of suites.entries()) {
      const here = systems.filter((s) => s.perSuite || i === 0 || s === plain);
      console.log(`  ${suite}:`);
      const warm = { ...o, trialMs: Math.min(300, o.trialMs) };
      for (const s of here)
        await (s === plain
          ? jsTrial(peer, 'udp', (d) => void tx.send(d, peer.udpPort, '127.0.0.1'), warm)
          : s.run(suite));
      const trials = new Map<System, Trial[]>(here.map((s) => [s, []]));
      for (let r = 0; r < o.rounds; r++) {
        for (const s of r % 2 === 0 ? here : [...here].reverse()) trials.get(s)!.push(await s.run(suite));
      }
      const base = trials.get(plain)!;
      for (const s of here) print(s.name, trials.get(s)!, base);
      if (i === 0) for (const [s, ts] of trials) if (!s.perSuite) first.set(s, ts);
      const find = (suffix: string): Trial[] | undefined =>
        [...trials.entries(), ...first.entries()].find(([s]) => s.name.endsWith(suffix))?.[1];
      const ratioLine = (
        name: string,
        a: Trial[] | undefined,
        b: Trial[] | undefined,
        figure: 'delivered' | 'records' | 'senderCpu' | 'receiverCpu' = 'delivered',
      ): void => {
        if (!a || !b) return;
        const r = a.map((t, k) => t[figure] / b[k]![figure]);
        console.log(`    ${name.padEnd(40)} ${spread(r)}; rounds in order: ${r.map((x) => x.toFixed(2)).join(' ')}`);
      };
      const native = find(OWN);
      const batch = find(BATCH);
      ratioLine("native, 'own' / node provider", native, find('node provider'));
      ratioLine("native, 'own', batched / node:dgram sends", native, find('node:dgram sends'));
      ratioLine("native, 'own' / wolfSSL C, no assembly", native, find('no assembly'));
      ratioLine("native, 'own' / wolfSSL C + assembly", native, find('+ assembly'));
      ratioLine("native, 'own' / plain C UDP, unbatched", native, find('plain C UDP'));
      ratioLine("native, 'own' / C sendmmsg/recvmmsg", native, find(MMSG));
      ratioLine("native, 'own' / plain C UDP, GSO/GRO", native, find(GSO));
      ratioLine('native, default / wolfSSL C + assembly', batch, find('+ assembly'));
      ratioLine('records/s, dtls13 default / wolfSSL C + assembly', batch, find('+ assembly'), 'records');
      ratioLine('native, default / C sendmmsg/recvmmsg', batch, find(MMSG));
      ratioLine('native, default / C GSO/GRO', batch, find(GSO));
      ratioLine("native, default ('batch') / 'own'", batch, native);
      if (i > 0)
        console.log(
          `    (the C UDP anchors do not depend on the suite: their trials are those of ${suites[0]} in this run)`,
        );
      const d12 = find('1.2 via connect(), native') ?? find('1.2 via connect(), node');
      const d13 = find('1.3 via connect(), native') ?? find('1.3 via connect(), node');
      ratioLine('dtls13 1.2 / dtls13 1.3 (both via connect())', d12, d13);
      // The goodput ratio follows the machine's load (both sides share its cores with whatever else runs); the CPU
      // each side spends per payload, round by round, is the versions' own difference.
      ratioLine('  sender CPU per payload, 1.2 / 1.3', d12, d13, 'senderCpu');
      ratioLine('  receiver CPU per payload, 1.2 / 1.3', d12, d13, 'receiverCpu');
      ratioLine('dtls13 1.2 / wolfSSL 1.2 C, no assembly', d12, find('no assembly, 1.2'));
      ratioLine('dtls13 1.2 / wolfSSL 1.2 C + assembly', d12, find('+ assembly, 1.2'));
      ratioLine('dtls13 1.2 / C sendmmsg/recvmmsg', d12, find(MMSG));
      const receiverLine = (name: string, ts: Trial[] | undefined): void => {
        if (!ts) return;
        console.log(`    ${name.padEnd(40)} ${spread(ts.map((t) => t.receiverCpu))} µs (target ≤ 1.5)`);
      };
      receiverLine('native receiver CPU per payload, default', batch);
      receiverLine("the same, messageBuffers 'own'", native);
      receiverLine('the same, node --no-concurrent-array-buffer-sweeping', find(UNSWEPT));
      const cReceiver = find(MMSG);
      if (batch && cReceiver) {
        // The absolute target is a figure of one machine; the same run's C receiver says what this machine's is worth.
        const r = batch.map((t, k) => t.receiverCpu / cReceiver[k]!.receiverCpu);
        console.log(`    ${'receiver CPU, default / C recvmmsg'.padEnd(40)} ${spread(r)}`);
      }
      const unsweptTrials = find(UNSWEPT);
      if (native && unsweptTrials) {
        const r = unsweptTrials.map((t, k) => t.receiverCpu / native[k]!.receiverCpu);
        console.log(`    ${"receiver CPU, unswept / 'own'".padEnd(40)} ${spread(r)}`);
      }
      if (native && batch) {
        const r = batch.map((t, k) => t.receiverCpu / native[k]!.receiverCpu);
        console.log(`    ${"receiver CPU, default ('batch') / 'own'".padEnd(40)} ${spread(r)}`);
      }
      const ceiling = aeadCeiling(suite, o.payload);
      if (ceiling !== undefined) {
        const vs = (ts: Trial[] | undefined): string =>
          ts ? ` ${(median(ts.map((t) => t.delivered)) / ceiling.bytesPerMs).toFixed(2)}×` : ' not measured';
        console.log(
          `    ${'AEAD ceiling (one core, sealing)'.padEnd(40)} ${mbit(ceiling.bytesPerMs).trim()} (${ceiling.how}); default${vs(batch)}, 'own'${vs(native)} of it`,
        );
        // The AEAD's own time per record beside what each side of the default spends per payload (one record each).
        const aeadUs = (o.payload / ceiling.bytesPerMs) * 1000;
        const side = (ts: Trial[] | undefined, figure: 'senderCpu' | 'receiverCpu'): string => {
          if (!ts) return ' not measured';
          const cpu = median(ts.map((t) => t[figure]));
          return ` ${cpu.toFixed(2)} µs = ${(cpu / aeadUs).toFixed(2)}×`;
        };
        console.log(
          `    ${'AEAD time per record (the same sealing)'.padEnd(40)} ${aeadUs.toFixed(3)} µs; default's CPU per payload: receiver${side(batch, 'receiverCpu')}, sender${side(batch, 'senderCpu')} of it (target ≤ 2×)`,
        );
      }
    }
  } finally {
    for (const s of systems) await s.close?.();
    tx.close();
  }
}

const MMSG = 'plain C UDP, sendmmsg/recvmmsg';
const GSO = 'plain C UDP, GSO/GRO';

/** Plain UDP in C batched as dtls13's I/O can batch: sendmmsg/recvmmsg, and UDP GSO/GRO where the kernel takes them. */
function batchedC(o: GoodputOptions): System[] {
  if (process.platform !== 'linux') {
    console.log('  (no batched C UDP baselines: sendmmsg/recvmmsg and UDP GSO/GRO are Linux calls)');
    return [];
  }
  try {
    const tool = udpBatchTool();
    const offload = probeOffload(tool);
    const systems: System[] = [{ name: MMSG, perSuite: false, run: () => udpBatchTrial(tool, 'mmsg', o) }];
    if (offload.gso && offload.gro)
      systems.push({ name: GSO, perSuite: false, run: () => udpBatchTrial(tool, 'gso', o) });
    else
      console.log(
        `  (no GSO/GRO C baseline: this kernel refuses ${[offload.gso ? '' : 'UDP_SEGMENT', offload.gro ? '' : 'UDP_GRO'].filter(Boolean).join(' and ')})`,
      );
    return systems;
  } catch (e) {
    console.log(`  (batched C UDP baselines unavailable: ${e instanceof Error ? e.message : String(e)})`);
    return [];
  }
}

/** Where the two sides were when each trial ended (the CPU each last ran on): how often they shared one. */
function placed(ts: readonly Trial[]): string {
  const known = ts.filter((t) => t.senderOn >= 0 && t.receiverOn >= 0);
  if (known.length === 0) return 'placement unknown';
  const shared = known.filter((t) => t.senderOn === t.receiverOn).length;
  return `sender and receiver last on one CPU in ${shared} of ${known.length} trials (${known.map((t) => `${t.senderOn}/${t.receiverOn}`).join(' ')})`;
}

/** The share of datagrams the dtls13 server took in UDP GRO runs: more when it falls behind (a busy machine), which makes each cheaper. */
function gro(ts: readonly Trial[]): string {
  const known = ts.map((t) => t.coalesced).filter((x) => !Number.isNaN(x));
  return known.length === 0
    ? ''
    : `; receiver took ${spread(
        known.map((x) => x * 100),
        0,
      )}% of datagrams in GRO runs`;
}

/** The payload bytes per record the receiver got in each trial, as one figure when they agree ("64", "64/63.5", "none"). */
function recordBytes(ts: readonly Trial[]): string {
  const sizes = [...new Set(ts.map((t) => t.recordBytes))];
  return sizes.map((b) => (Number.isNaN(b) ? 'none' : Number.isInteger(b) ? String(b) : b.toFixed(1))).join('/');
}

function print(name: string, ts: readonly Trial[], base: readonly Trial[]): void {
  const d = ts.map((t) => t.delivered);
  const us = (xs: number[]): string => `${median(xs).toFixed(1)} µs`;
  const ratios = ts.map((t, i) => t.delivered / base[i]!.delivered);
  console.log(
    `    ${name.padEnd(30)} ${mbit(median(d))}, ${perSecond(median(ts.map((t) => t.records)))} records/s of ${recordBytes(ts)} B = ${spread(ratios)}× node:dgram; ` +
      `trials ${mbit(Math.min(...d)).trim()}–${mbit(Math.max(...d)).trim()}; offered ${mbit(median(ts.map((t) => t.offered))).trim()}, ` +
      `${(median(ts.map((t) => t.lost)) * 100).toFixed(0)}% lost; CPU per payload: sender ${us(ts.map((t) => t.senderCpu))}, receiver ${us(ts.map((t) => t.receiverCpu))}; ` +
      placed(ts) +
      gro(ts),
  );
}
