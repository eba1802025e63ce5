/**
 * What `dtls13 simulate` prints and writes beside the report table: how to
 * read the table and its bottleneck, the run line (events, wall time), and
 * the JSON document for `--json`.
 */
import { networkChannelDefaults } from '../generated/tlm/index.js';
import { formatTime } from '../hwmodel/kernel/time.js';
import type { SimulationResult } from '../hwmodel/model/simulate.js';
import type { ProfileMetadata } from '../hwmodel/timing/index.js';
import {
  formatUs,
  GROWTH_FACTOR,
  HOLDING_SHARE,
  NEAR_SATURATION,
  QUEUEING_MIN_QUEUE,
  QUEUEING_SHARE,
  SATURATION,
  type GrowthVerdict,
  type SimulationReport,
} from '../hwmodel/trace/index.js';
import type { RunPlan } from './simulate-args.js';

/** The format name of the `--json` document (the report's fields plus `options`, `seed`, `profile`, `simulation`, `wallClock`). */
export const SIMULATE_JSON_FORMAT = 'dtls13-simulation-report';

const percent = (u: number): string => `${(u * 100).toFixed(1)}%`;

/** The network links in the table: the clients' egress (the device's ingress) and the device's egress. */

const LINKS: Readonly<Record<string, string>> = {
  'clients.networkChannel': 'the link into the device',
  'device.networkChannel': 'the link out of the device',
};
const describeModule = (module: string): string =>
  LINKS[module] === undefined ? module : `${LINKS[module]} (${module})`;

/** The parameter that raises a resource's limit, as the reading suggests it. */
function remedy(b: NonNullable<SimulationReport['bottleneck']>): string {
  if (b.kind === 'buffer')
    return `a deeper buffer (${b.knob ?? b.module}) or a shorter time per entry raises the rate.`;
  if (b.kind === 'link') return 'a faster link (--bandwidth) raises the rate; the device is not what limits it.';
  if (b.module.endsWith('.dma')) return 'a wider DMA (crypto_engine.dma_bandwidth) raises the rate.';
  if (b.module.endsWith('cryptoEngine.publicKey'))
    return 'more public-key lanes (crypto_engine.pk_lanes) or a faster clock raise the rate.';
  if (b.module.endsWith('cryptoEngine.symmetric'))
    return 'more symmetric lanes (crypto_engine.lanes) or a faster clock raise the rate.';
  return `more lanes or faster timing for it${b.module === 'device.cryptoEngine' ? ' (for the crypto engine: --hw-accel)' : ''} raise the rate.`;
}

/**
 * A few lines under the table: what the columns mean, which resource (a
 * unit, a link or a buffer) limits the run and what that implies (drops or
 * work held back at a buffer, traced to the stage whose limit causes them;
 * in the steady window, saturated or near it: it sets the pace; queueing:
 * a burst it could not serve as fast as it came; otherwise the device has
 * headroom and the time goes elsewhere), and whether refused connections
 * (`refused`, the device's admission limit) shaped the run. Headroom is
 * said only when the report finds it (`headroom`).
 */
export function readingGuide(report: SimulationReport, refused = 0): string {
  const w = report.window;
  const over = w === null ? 'simulated time' : 'steady window';
  const during = w === null ? 'over the run' : 'in the steady window';
  const lines = [
    `How to read it: Util. = busy lane-time / (lanes × ${over}); Busy = that lane-time; Queue = requests`,
    `waiting for a free lane (max, mean of the samples, mean over time); the links (networkChannel) are modules too.`,
    `The bottleneck: first drops (anywhere in the run), then work held back at the device's buffers (${during}; ${QUEUEING_MIN_QUEUE} or more callers held back on average), each traced through the stages after the buffer`,
    `to the one whose limit causes it (a stage that held work back itself, or is near saturation or queueing with its requests waiting ${percent(HOLDING_SHARE)}`,
    `or more of their time, for a lane or its queue; else the buffer's own depth);`,
    `then the module with the highest Util. when one is at ${percent(NEAR_SATURATION)} or more (saturated at ${percent(SATURATION)});`,
    `then a queueing device unit, whose requests waited ${percent(QUEUEING_SHARE)} or more of their time (Waiting, below) with ${QUEUEING_MIN_QUEUE} or more`,
    `of them waiting on average (Queue mean (time)), the deepest queue first.`,
  ];
  const g = report.growth;
  if (g !== undefined) lines.push(...growthReading(g, report.bottleneck?.module));
  const b = report.bottleneck;
  if (b === null) lines.push('No device module was busy: nothing was offered to the device.');
  else {
    const name = describeModule(b.module);
    const s = b.symptom;
    if ((b.reason === 'drops' || b.reason === 'held-back') && s !== null) {
      const what =
        b.reason === 'drops'
          ? `${s.dropped} datagrams were dropped at ${s.buffer} (full)`
          : `${s.heldBack} arrivals were held back at ${s.buffer} (${formatUs(s.heldBackUs)} in all)`;
      const via = b.chain.length > 1 ? `; its work waits on ${b.chain.slice(1).join(' → ')}` : '';
      const own =
        b.chain[b.chain.length - 1] === s.buffer
          ? `, and nothing after it is near saturation or queueing: its own depth is the limit`
          : '';
      lines.push(`Here ${what}${via}${own}.`);
      lines.push(
        `So ${name} (${percent(b.utilization)} ${b.kind === 'buffer' ? 'occupied' : 'utilized'} ${during}) limits the run, and there is no headroom; ${remedy(b)}`,
      );
    } else if (b.reason === 'saturated' || b.reason === 'near-saturation') {
      lines.push(
        `Here ${name} is ${b.reason === 'saturated' ? 'saturated' : 'near saturation'} (${percent(b.utilization)}): it sets the pace, and there is no headroom. More load only`,
      );
      lines.push(`lengthens its queue and the latency; ${remedy(b)}`);
    } else if (b.reason === 'queueing') {
      lines.push(
        `Here ${name} is ${percent(b.utilization)} busy ${during}, but its requests waited ${percent(b.waitingShare)} of their time for a lane:`,
      );
      lines.push('work came in bursts faster than it serves them, so while they last it sets the pace,');
      lines.push(`and there is no headroom then. Spread the load (--rate) to see the steady state; ${remedy(b)}`);
    } else if (report.headroom) {
      lines.push(
        `Here the busiest module, ${name}, is at ${percent(b.utilization)}, below saturation; nothing dropped, nothing was held back and nothing queues: the device has headroom`,
      );
      lines.push('and part of the time goes to the clients, the network latency or the arrival rate. Offer more load');
      lines.push('(--connections, --rate) to see which module saturates first.');
    } else
      lines.push(
        `Here the busiest module, ${name}, is at ${percent(b.utilization)}; other resources are pressed (below).`,
      );
    if (report.pressed.length > 0) {
      const figure = (name: string): string => {
        const m = report.modules.find((x) => x.name === name);
        const f = report.buffers.find((x) => x.name === name);
        const what =
          m !== undefined
            ? m.utilization >= NEAR_SATURATION
              ? `${percent(m.utilization)} utilized`
              : `waiting ${percent(m.waitingShare)}`
            : f !== undefined
              ? [f.dropped > 0 ? `${f.dropped} dropped` : '', f.blocked > 0 ? `${f.blocked} held back` : '']
                  .filter((x) => x !== '')
                  .join(', ')
              : '';
        const link = LINKS[name];
        return `${name} (${[link, what].filter((x) => x !== undefined && x !== '').join(', ')})`;
      };
      lines.push(
        `Pressed as well (dropping, holding back, near saturation or queueing): ${report.pressed.map(figure).join(', ')}.`,
      );
    }
  }
  const t = report.throughput;
  if (w !== null)
    lines.push(
      `Util., queues and goodput are over the steady window, ${formatUs(w.fromUs)} to ${formatUs(w.toUs)} (handshakes and ramp before it, the drain after it left out); drops, and the Buffer table, over the whole run.`,
    );
  else if (t.dataTimeUs > 0 && t.dataTimeUs < 0.9 * report.durationUs) {
    lines.push(
      `Utilization is over the whole ${formatUs(report.durationUs)}, of which data flowed for ${formatUs(t.dataTimeUs)} (goodput is over the latter): a straggler's`,
    );
    lines.push(`timers (see Completion) stretch the run and dilute every utilization; --duration bounds it.`);
  }
  if (refused > 0) {
    lines.push(
      `But the device refused ${refused} connection attempts (datagrams of connections it had no room for, retransmissions included): connection_manager.max_connections (spec/hw) was reached, so`,
    );
    lines.push(
      'admission, not a busy module, limits this run; refused clients wait for their retransmission timers, which',
    );
    lines.push(
      'stretches the simulated time and lowers every utilization. Open connections gradually (--rate) or raise it.',
    );
  }
  return `${lines.join('\n')}\n`;
}

/** How the Bottleneck line was proven by growth, and where it parts from the rule-based reading (`rule`). */
function growthReading(g: GrowthVerdict, rule: string | undefined): string[] {
  if (g.headroom)
    return [
      'No suspect was grown to prove a bottleneck: the rule-based reading finds headroom (below), and the Bottleneck line says none.',
    ];
  const pct = `${(g.threshold * 100).toFixed(0)}%`;
  const lines = [
    `The Bottleneck line is proven by growth: each suspect (the rule-based reading's resource and chain, then the pressed and the busiest resources) was grown one step`,
    `(lanes, DMA channels, depths, credits and bandwidths ×${GROWTH_FACTOR}, a cost halved, the key slots to every connection's) and the same run (seed, traffic) made again;`,
    `named: the resource whose growth moved the run most: throughput (bytes over the simulated time) first, then drops, then the median completion (${pct} better or more, none ${pct} worse; alike within ${pct}: both named).`,
  ];
  if (g.named.length === 0)
    lines.push(
      `Here no growth moved the run: the offered load (--connections, --rate, the clients and their link) sets the rate, not a resource of the device.`,
    );
  if (rule !== undefined && !g.named.includes(rule))
    lines.push(
      `The rule-based reading (Rule's reading) names ${rule}; growing it ${g.effects.some((e) => e.resource === rule) ? 'did not move the run most' : 'was not tried'}. The rule only ranks the suspects:`,
    );
  return lines;
}

/** `simulated events: N, wall time: T s, events/s: R`. */
export function runLine(
  result: Pick<SimulationResult, 'events' | 'wallMs'> & { readonly report?: SimulationReport },
): string {
  const rate = result.wallMs > 0 ? Math.round((result.events / result.wallMs) * 1000) : 0;
  const g = result.report?.growth;
  const reruns =
    g === undefined || g.reruns === 0
      ? ''
      : `; the bottleneck's ${g.reruns} growth rerun${g.reruns === 1 ? '' : 's'} ${(g.wallMs / 1000).toFixed(2)} s more`;
  return `Simulated events   ${result.events.toLocaleString('en-US')} in ${(result.wallMs / 1000).toFixed(2)} s wall time (${rate.toLocaleString('en-US')} events/s)${reruns}\n`;
}

/** A line on refused connections and lost datagrams, or nothing when there were none. */
export function lossLine(result: Pick<SimulationResult, 'refused' | 'lost'>): string {
  if (result.refused === 0 && result.lost === 0) return '';
  return `Network            ${result.lost} datagrams lost, ${result.refused} datagrams of new connections refused by the device (table full)\n`;
}

/** The run's options as the `--json` document records them (defaults filled in from spec/hw; times as text and in µs). */
export function planOptions(plan: RunPlan): Record<string, unknown> {
  const software = plan.platform === 'software';
  const time = (t: number | undefined): { text: string; us: number } | null =>
    t === undefined ? null : { text: formatTime(t), us: t / 1e6 };
  return {
    connections: plan.connections,
    suite: plan.suite,
    records: plan.records,
    payloadBytes: plan.payloadBytes,
    arrivalRatePerSecond: plan.arrivalRate ?? null,
    duration: time(plan.duration),
    // The software platform has no network delay: both ends share one CPU.
    latency: time(software ? 0 : (plan.latency ?? networkChannelDefaults.latency)),
    bandwidthBitsPerSecond: software ? null : (plan.bandwidth ?? networkChannelDefaults.bandwidth),
    loss: plan.loss ?? null,
    hwAccel: plan.hwAccel,
    platform: plan.platform,
    profileFile: plan.profileFile ?? null,
    engine: plan.engine ?? null,
    serverIdentity: 'ed25519',
  };
}

/** The `--json` document: the report (`buildReport` shape) with the run's options, seed, profile metadata and run figures beside it. */
export function reportDocument(
  plan: RunPlan,
  profile: ProfileMetadata,
  result: SimulationResult,
): Record<string, unknown> {
  return {
    ...result.report,
    options: planOptions(plan),
    seed: plan.seed,
    profile,
    simulation: { events: result.events, lostDatagrams: result.lost, refusedConnections: result.refused },
    wallClock: { ms: result.wallMs, eventsPerSecond: result.wallMs > 0 ? (result.events / result.wallMs) * 1000 : 0 },
  };
}

/**
 * The per-module wait/service breakdown: requests each module served, their
 * mean wait for a lane and mean service time, the share of their time spent
 * waiting, and the time callers were held back before a full queue accepted
 * them (back-pressure).
 */
export function breakdownTable(report: SimulationReport): string {
  const rows = report.modules.filter((m) => m.requests > 0);
  if (rows.length === 0) return '';
  const name = Math.max(6, ...rows.map((m) => m.name.length));
  const head = `${'Module'.padEnd(name)}  ${'Requests'.padStart(9)}  ${'Mean wait'.padStart(11)}  ${'Mean service'.padStart(12)}  ${'Waiting'.padStart(7)}  ${'Held back'.padStart(11)}`;
  const us = (v: number): string => `${v < 10 ? v.toFixed(3) : v.toFixed(1)} µs`;
  const lines = rows.map((m) => {
    const share = m.waitUs + m.serviceUs > 0 ? m.waitUs / (m.waitUs + m.serviceUs) : 0;
    return `${m.name.padEnd(name)}  ${String(m.requests).padStart(9)}  ${us(m.waitUs / m.requests).padStart(11)}  ${us(m.serviceUs / m.requests).padStart(12)}  ${percent(share).padStart(7)}  ${us(m.admissionWaitUs).padStart(11)}`;
  });
  const over = report.window === null ? '' : ', in the steady window';
  return `Where the time goes (per request: waiting for a lane vs being served; held back: total time callers waited for a full queue${over})\n${head}\n${lines.join('\n')}\n`;
}
