/**
 * The record-level device model `dtls13 size` runs the workload on: every record and every handshake is its own
 * event-driven job through the device's stages, so each record has its own latency; sessions are aggregated (a session
 * is an index drawn from the working set, and the key slots are an LRU over those indices), so 1M sessions cost only
 * the slots' map, never a connection object each.
 *
 * Stages (spec/hw/crypto_engine.yaml, record_layer.yaml, key_manager.yaml, memory.yaml): one shared in-order intake
 * ring of `rxRingDepth` entries for both directions and the handshakes (full: the arrival is dropped); its head leaves
 * for a record pipeline slot (`pipelineDepth` records in flight) or, a handshake, for the public-key unit's queue
 * (`queueDepth` a lane); a head that cannot leave blocks everything behind it (head-of-line blocking, charged to the
 * resource it waits for). In a slot: the key context (a hit in `keySlots`, else the connection lookup in DRAM: the hash
 * bucket, then the entry with its 128-byte key context, each a latency and its bytes over the memory), DMA in (a
 * channel of `dmaChannels` and the memory channels' bandwidth both), the symmetric unit (`lanes`), DMA out. A sealed
 * record (host → network) takes a TX ring entry (`txRingDepth`) for its DMA out, waiting in its pipeline slot while
 * none is free, and holds it until the egress link (at the traffic's link rate, one record after another) has sent it.
 * A record's latency is read twice: to the end of its DMA out, and to the wire (a sealed record when the link has sent
 * its last bit, so the TX ring's wait and the link's queue count; an opened one at its DMA out to the host). A
 * handshake: its public-key time on a public-key lane, then its symmetric work on a symmetric lane; it installs its
 * session's key.
 *
 * The memory (spec/hw/platform, platform.ts): `memChannels` DRAM channels as one server at their peak, each access's
 * bursts derated by the bus turnarounds and taking at least a row activation's share of tFAW, the server stalled for
 * tRFC every tREFI (refresh), a read's data after the idle latency. The host interface, lookaside: every record is
 * fetched over PCIe in its pipeline slot before its DMA in (requests up, the host's read latency, descriptor and
 * payload down) and written back after its DMA out (result, completion, its share of an interrupt up), its latency
 * ending there; no TX ring or egress link. Each direction of the link is a server at `pcieLanes` lanes' rate. Inline,
 * the host's side is outside the model (records arrive at the intake, leave at DMA out).
 *
 * The run: warm-up, the steady window, then (burstFactor > 1) a burst and a recovery as long, then a drain. Figures are
 * per phase of arrival. Protocol events (protocol-events.ts: key updates, forged and replayed records) take the
 * records' path to a lane and end there, counted apart.
 */
import { SeededRandom } from '../../kernel/random.js';
import { DramChannel } from '../../timing/dram-channel.js';
import { EventQueue } from './event-queue.js';
import {
  EV_BUCKET,
  EV_DMA,
  EV_EVENT,
  EV_FETCH,
  EV_HOST_IN,
  EV_HOST_OUT,
  EV_HS_ARRIVAL,
  EV_PK,
  EV_SYM,
} from './flow-job.js';
import { EV_TRAIN, EV_TRAIN_NEXT, EV_TX_SENT, Job, JobFifo, JobPool, Source } from './flow-job.js';
import { FORGED, HANDSHAKE, KEY_UPDATE, OPEN, REPLAY, SEAL } from './flow-job.js';
import { LatencyHistogram } from './latency-histogram.js';
import { phaseFigures } from './phase-figures.js';
import { SessionTable } from './session-table.js';
import { SlotLru } from './slot-lru.js';
import { Geometric, UniformInt, zipfTable } from './sampling.js';
import { KNOBS, RECORD_OVERHEAD, type DeviceCosts, type DeviceKnobs, type KnobName } from './device.js';
import { recordsPerSecond, type Traffic } from './traffic.js';
import { EPISODE_GAP_US, EPISODE_SIZES, episodeSizeIndex } from './episode-bound.js';
import { KEY_UPDATE_BYTES } from './protocol-events.js';

import type { EventCounts, FlowObserver, FlowRun, PhaseFigures, RunPlan } from './flow-run.js';
export type { FlowObserver, FlowRun, PhaseFigures, ProtocolFigures, RunPlan } from './flow-run.js';

type Event = Job | Source;

const PHASES = 4; // warm-up, steady, burst, recovery

// Every event belongs to a stream whose events are scheduled in time order (event-queue.ts): the key contexts' fetches
// (the memory's bookings end in order), the egress link's records sent, the PCIe link's payloads down and write-backs
// up (lookaside), each arrival process's next arrival, the public-key lanes' ends (one time each); and, by the mix
// entry, the DMA transfers' ends (a channel's time for that size, or the memory's booking, both in order), the trains'
// next records (the link time of that size) and the symmetric lanes' ends (that kind and size's time, or a handshake's).
const FETCHES = 0;
const LINK = 1;
const PCIE_DOWN = 2;
const PCIE_UP = 3;
const HANDSHAKES = 4;
const TRAINS = 5; // + OPEN or SEAL
const PK_ENDS = 7;
const BY_SIZE = 8; // then the DMA ends, the trains' next records and the symmetric lanes' ends, a stream a mix entry

/** Runs `traffic` on a device of `knobs` with `costs`. */
export function runFlow(
  traffic: Traffic,
  knobs: DeviceKnobs,
  costs: DeviceCosts,
  plan: RunPlan,
  observe?: FlowObserver,
): FlowRun {
  const rng = new SeededRandom(plan.seed);
  const rand = {
    open: rng.fork('open'),
    seal: rng.fork('seal'),
    hs: rng.fork('handshakes'),
    sessions: rng.fork('sessions'),
  };
  // The events' own streams (forked only when run: a question without them draws exactly what it drew before).
  const ev = traffic.events;
  const eventRate = [
    recordsPerSecond(ev.forgedGbps, traffic.mix),
    ev.replayShare * recordsPerSecond(traffic.openGbps, traffic.mix),
    ev.keyUpdatesPerSession * traffic.activeSessions,
  ];
  const eventRand = eventRate.map((r, i) => (r > 0 ? rng.fork(['forged', 'replays', 'keyUpdates'][i]!) : undefined));
  const steadyStart = plan.warmupUs * 1000;
  const steadyEnd = steadyStart + plan.windowUs * 1000;
  const bursting = traffic.burstFactor > 1;
  const burstEnd = steadyEnd + (bursting ? traffic.burstUs * 1000 : 0);
  const arrivalsEnd = burstEnd + (bursting ? traffic.burstUs * 1000 : 0);
  const phaseAt = (t: number): number => (t < steadyStart ? 0 : t < steadyEnd ? 1 : t < burstEnd ? 2 : 3);
  const factorAt = (t: number): number => (t >= steadyEnd && t < burstEnd ? traffic.burstFactor : 1);

  // Mix: cumulative weights.
  const totalWeight = traffic.mix.reduce((s, m) => s + m.weight, 0);
  let acc = 0;
  const cumulative = traffic.mix.map((m) => (acc += m.weight / totalWeight));
  const pickSize = (r: SeededRandom): number => {
    const u = r.next();
    for (let i = 0; i < cumulative.length; i++) if (u < cumulative[i]!) return i;
    return cumulative.length - 1;
  };
  const zipfCdf = traffic.zipf > 0 ? zipfTable(traffic.activeSessions, traffic.zipf) : undefined;
  const anySession = new UniformInt(traffic.activeSessions);
  const trainLength = traffic.trainRecords <= 1 ? undefined : new Geometric(traffic.trainRecords);
  const pickSession = (): number => {
    if (zipfCdf === undefined) return anySession.draw(rand.sessions);
    const u = rand.sessions.next();
    let lo = 0;
    let hi = zipfCdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (zipfCdf[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };

  // Records a second each direction offers (opened, sealed), outside the burst.
  const recordRate = [recordsPerSecond(traffic.openGbps, traffic.mix), recordsPerSecond(traffic.sealGbps, traffic.mix)];
  const sizes = traffic.mix.length;
  const dmaEnds = BY_SIZE;
  const trainNext = BY_SIZE + sizes;
  const symEnds = BY_SIZE + 2 * sizes; // + kind × sizes + size; a handshake's last
  // The events' streams after those: their arrivals (by kind), the replay checks' and key updates' lane ends and the key
  // updates' DMA ends (a forged record's DMA and lane ends are an opened record's of its size, in the same streams).
  const eventArrivals = symEnds + 2 * sizes + 1;
  const replayEnds = eventArrivals + 3;
  const keyUpdateEnds = replayEnds + 1;
  const keyUpdateDma = keyUpdateEnds + 1;
  const queue = new EventQueue<Event>(keyUpdateDma + 1);
  const jobs = new JobPool();
  // The clock and the other times the run keeps, as an object's fields: updated in place, where a closure's variable
  // holding a fraction would take a new heap number at every store.
  const sim = { now: 0, lastChange: 0, blockStart: 0, linkFree: 0 };
  let events = 0;
  /** Schedules `e`'s event `ev` at `t` in its stream. */
  const schedule = (stream: number, t: number, e: Event, ev: number): void => {
    e.ev = ev;
    queue.push(stream, t, e);
  };

  // Phase figures.
  const offered = new Float64Array(PHASES);
  const dropped = new Float64Array(PHASES);
  const delivered = new Float64Array(PHASES);
  const deliveredBits = new Float64Array(PHASES);
  // Records (not handshakes) taken into the ring, by phase: those neither delivered by the end are stuck inside.
  const recOffered = new Float64Array(PHASES);
  // Drop episodes by the phase they opened in, and the one open: its phase, its drops and its last drop's time.
  const episodes = new Float64Array(PHASES);
  const largestEpisode = new Float64Array(PHASES);
  const atLeast = EPISODE_SIZES.map(() => new Float64Array(PHASES)); // episodes of at least each size, by phase
  const episode = { phase: 0, drops: 0, lastNs: -Infinity };
  const latency = [new LatencyHistogram(), new LatencyHistogram(), new LatencyHistogram(), new LatencyHistogram()];
  const wire = [new LatencyHistogram(), new LatencyHistogram(), new LatencyHistogram(), new LatencyHistogram()];
  const hs = { offered: 0, completed: 0, dropped: 0, latency: new LatencyHistogram() };
  // The events of the steady window by kind (FORGED, REPLAY, KEY_UPDATE): arrived, dropped at the intake, done, lane ns.
  const evCount = { offered: new Float64Array(3), dropped: new Float64Array(3), done: new Float64Array(3) };
  const evLane = new Float64Array(3);
  const zero = (): Record<KnobName, number> => Object.fromEntries(KNOBS.map((k) => [k, 0])) as Record<KnobName, number>;
  const blocked = zero();
  const steadyDropsBy = zero();
  const burstDropsBy = zero();
  const busy = zero();
  const inWindow = (a: number, b: number): number => Math.max(0, Math.min(b, steadyEnd) - Math.max(a, steadyStart));

  // Key slots: an LRU over session indices (a Map keeps insertion order), warm with the first sessions.
  // Sessions a handshake opens take the indices above the working set's, in turn (they evict, and are not sent on here).
  let newSession = traffic.activeSessions;
  const universe = Math.max(traffic.sessions, traffic.activeSessions + 1) + 1;
  const slots = new SlotLru(knobs.keySlots, universe);
  for (let s = 0; s < Math.min(knobs.keySlots, traffic.activeSessions); s++) slots.install(s);
  // Key contexts on their way from DRAM: the first record that asked for each, the others chained behind it in order.
  const fetching = new SessionTable<Job>();
  let lookups = 0;
  let hits = 0;

  // Intake ring (circular), pipeline, queues.
  let ring: (Job | undefined)[] = new Array<Job | undefined>(Math.min(knobs.rxRingDepth, 1024));
  let ringHead = 0;
  let ringCount = 0;
  let inFlight = 0;
  let waitFetch = 0;
  let memBoundNow = 0;
  const dmaQueue = new JobFifo();
  const symQueue = new JobFifo();
  const pkQueue = new JobFifo();
  let dmaFree = knobs.dmaChannels;
  let symFree = knobs.lanes;
  let pkFree = knobs.pkLanes;
  const mem = new DramChannel(costs.dram, knobs.memChannels, costs.memChannelBitsPerSecond);
  /** Books the memory for an access of `bytes` from now (after what it serves already, and out of a refresh); its end. */
  const memBook = (bytes: number): number => {
    const end = mem.book(sim.now, bytes);
    busy.memChannels += inWindow(mem.start, end);
    return end;
  };
  // The host interface: each direction of the PCIe link a server.
  const host = costs.host;
  const pcieRate = (knobs.pcieLanes * host.bitsPerSecondPerLane) / 1e9; // bits a ns
  const pcieFree = { up: 0, down: 0 };
  const pcieBusy = { up: 0, down: 0 };
  const pcieBook = (dir: 'up' | 'down', bytes: number, from: number): number => {
    const start = Math.max(from, pcieFree[dir]);
    const end = start + (bytes * 8) / pcieRate;
    pcieBusy[dir] += inWindow(start, end);
    pcieFree[dir] = end;
    return end;
  };
  // Lookaside: every record comes from the host and goes back to it. Inline: the host's side (the records to seal
  // fetched, the opened ones written back) is outside the model: they arrive at the intake and leave at their DMA out.
  const lookaside = host.attach === 'lookaside';
  let hostWaiting = 0;
  const dmaRate = costs.dmaBitsPerSecond / 1e9;
  // By mix entry, then a key update's record: a record's bytes in memory, its time on a DMA channel and on the link.
  const recordBytes = [...traffic.mix.map((m) => m.bytes), KEY_UPDATE_BYTES].map((b) => b + RECORD_OVERHEAD);
  const dmaNs = Float64Array.from(recordBytes, (b) => (b * 8) / dmaRate);
  const linkNs = Float64Array.from(recordBytes, (b) => (b * 8) / traffic.linkGbps);
  // The TX ring: entries taken, sealed records waiting for one (in their pipeline slots), and the egress link.
  let txCount = 0;
  const txWait = new JobFifo();
  // Occupancy × time in the steady window: the intake ring, the pipeline, the TX ring.
  const area = { ring: 0, pipe: 0, tx: 0 };
  const account = (): void => {
    if (sim.lastChange === sim.now) return; // no time since: each area would add 0
    const d = inWindow(sim.lastChange, sim.now);
    area.ring += d * ringCount;
    area.pipe += d * inFlight;
    area.tx += d * txCount;
    sim.lastChange = sim.now;
  };

  let blockCause: KnobName | undefined;
  const block = (cause: KnobName): void => {
    if (blockCause === cause) return;
    if (blockCause !== undefined) blocked[blockCause] += inWindow(sim.blockStart, sim.now);
    blockCause = cause;
    sim.blockStart = sim.now;
  };
  const unblock = (): void => {
    if (blockCause === undefined) return;
    blocked[blockCause] += inWindow(sim.blockStart, sim.now);
    blockCause = undefined;
  };
  /** What holds the pipeline's slots: the stage the most of its records wait for; none waiting: the slots themselves. */
  const pipelineCause = (): KnobName => {
    // The first of the most: a stage only when more of them wait for it than for each stage before it.
    let cause: KnobName = 'pipelineDepth';
    let most = 0;
    if (symQueue.length > most) [cause, most] = ['lanes', symQueue.length];
    if (dmaQueue.length > most) [cause, most] = ['dmaChannels', dmaQueue.length];
    if (memBoundNow > most) [cause, most] = ['memChannels', memBoundNow];
    if (waitFetch > most) [cause, most] = ['keySlots', waitFetch];
    if (txWait.length > most) [cause, most] = ['txRingDepth', txWait.length];
    if (hostWaiting > most) cause = 'pcieLanes';
    return cause;
  };

  let ids = 0;
  const arrive = (job: Job): void => {
    job.id = ids++;
    if (job.kind > HANDSHAKE) {
      // A protocol event: counted apart from the records and handshakes the SLOs are over.
      const i = job.kind - FORGED;
      if (job.phase === 1) evCount.offered[i]! += 1;
      if (ringCount >= knobs.rxRingDepth) {
        if (job.phase === 1) evCount.dropped[i]! += 1;
        return jobs.give(job);
      }
      return enter(job);
    }
    observe?.arrival(job.id, sim.now, job.kind, job.size, job.session, job.phase);
    offered[job.phase]! += 1;
    if (job.kind === HANDSHAKE && job.phase === 1) hs.offered++;
    if (ringCount >= knobs.rxRingDepth) {
      dropped[job.phase]! += 1;
      // An episode still open from the phase before opens again in this one: each phase counts its own.
      if (sim.now - episode.lastNs >= EPISODE_GAP_US * 1000 || episode.phase !== job.phase) {
        episodes[job.phase]! += 1;
        episode.phase = job.phase;
        episode.drops = 0;
      }
      episode.lastNs = sim.now;
      largestEpisode[episode.phase] = Math.max(largestEpisode[episode.phase]!, ++episode.drops);
      const size = episodeSizeIndex(episode.drops);
      if (size >= 0) atLeast[size]![episode.phase]! += 1;
      if (job.kind === HANDSHAKE && job.phase === 1) hs.dropped++;
      const by = job.phase === 1 ? steadyDropsBy : job.phase >= 2 ? burstDropsBy : undefined;
      if (by !== undefined) by[blockCause ?? 'rxRingDepth'] += 1;
      observe?.outcome(job.id, undefined);
      return jobs.give(job);
    }
    if (job.kind !== HANDSHAKE) recOffered[job.phase]! += 1;
    enter(job);
  };
  /** Takes `job` into the intake ring (not full). */
  const enter = (job: Job): void => {
    account();
    if (ringCount === ring.length) {
      // A deep ring's array grows as it fills, its entries kept in order.
      const grown = new Array<Job | undefined>(ring.length * 2);
      for (let k = 0; k < ringCount; k++) grown[k] = ring[(ringHead + k) % ring.length];
      ring = grown;
      ringHead = 0;
    }
    const tail = ringHead + ringCount; // an index past the end wraps (no `%`: a division)
    ring[tail < ring.length ? tail : tail - ring.length] = job;
    ringCount++;
    dispatch();
  };

  const dispatch = (): void => {
    while (ringCount > 0) {
      const head = ring[ringHead]!;
      if (head.kind === HANDSHAKE) {
        if (costs.handshakePkNs > 0 && pkQueue.length >= costs.queueDepth * knobs.pkLanes) return block('pkLanes');
      } else if (inFlight >= knobs.pipelineDepth) return block(pipelineCause());
      account();
      ring[ringHead] = undefined;
      ringHead = ringHead + 1 === ring.length ? 0 : ringHead + 1;
      ringCount--;
      unblock();
      if (head.kind === HANDSHAKE) {
        if (costs.handshakePkNs > 0) toPk(head);
        else toSym(head);
      } else {
        inFlight++;
        lookup(head);
      }
    }
  };

  // Each stage's server: a free unit starts the job, else it waits in the stage's queue.
  const toDma = (job: Job): void => {
    if (dmaFree > 0) startDma(job);
    else dmaQueue.push(job);
  };
  const toSym = (job: Job): void => {
    if (symFree > 0) startSym(job);
    else symQueue.push(job);
  };
  const toPk = (job: Job): void => {
    if (pkFree > 0) startPk(job);
    else pkQueue.push(job);
  };

  const lookup = (job: Job): void => {
    if (job.phase === 1) lookups++;
    if (slots.touch(job.session)) {
      if (job.phase === 1) hits++;
      return dmaIn(job);
    }
    waitFetch++;
    const first = fetching.get(job.session);
    if (first !== undefined) {
      first.lastWait!.nextWait = job;
      first.lastWait = job;
      return;
    }
    job.lastWait = job;
    fetching.set(job.session, job);
    // The connection lookup: the hash bucket first (when the table has one), then the entry with its key context.
    if (costs.lookupBucketBytes > 0)
      return schedule(FETCHES, memBook(costs.lookupBucketBytes) + costs.dramLatencyNs, job, EV_BUCKET);
    fetchEntry(job);
  };
  /** The session's connection entry and key context read from DRAM (the bucket, if any, read). */
  const fetchEntry = (job: Job): void => {
    schedule(FETCHES, memBook(costs.connectionEntryBytes + costs.contextBytes) + costs.dramLatencyNs, job, EV_FETCH);
  };

  /** A sealed record's DMA out into a TX ring entry, once one is free. */
  const txOut = (job: Job): void => {
    if (txCount >= knobs.txRingDepth) return txWait.push(job);
    account();
    txCount++;
    job.out = true;
    toDma(job);
  };

  const dmaIn = (job: Job): void => {
    if (lookaside && !job.fetched) {
      // Its descriptor and payload over PCIe first: the read requests up, the host's read latency, the data down.
      job.fetched = true;
      hostWaiting++;
      const asked = pcieBook('up', host.fetchUp[job.size]!, sim.now);
      const fetched = pcieBook('down', host.fetchDown[job.size]!, asked + host.readLatencyNs);
      return schedule(PCIE_DOWN, fetched, job, EV_HOST_IN);
    }
    job.out = false;
    toDma(job);
  };

  const startDma = (job: Job): void => {
    dmaFree--;
    const chanEnd = sim.now + dmaNs[job.size]!;
    const memEnd = memBook(job.bytes + RECORD_OVERHEAD);
    const end = Math.max(chanEnd, memEnd);
    job.memBound = memEnd > chanEnd;
    if (job.memBound) memBoundNow++;
    busy.dmaChannels += inWindow(sim.now, end);
    schedule(job.kind === KEY_UPDATE ? keyUpdateDma : dmaEnds + job.size, end, job, EV_DMA);
  };

  const startSym = (job: Job): void => {
    symFree--;
    const k = job.kind;
    const t =
      k === OPEN || k === FORGED
        ? costs.openNs[job.size]!
        : k === SEAL
          ? costs.sealNs[job.size]!
          : k === HANDSHAKE
            ? costs.handshakeSymNs
            : k === REPLAY
              ? costs.replayCheckNs
              : costs.keyUpdateNs;
    const inside = inWindow(sim.now, sim.now + t);
    busy.lanes += inside;
    if (k > HANDSHAKE) evLane[k - FORGED]! += inside;
    // A forged record's open takes an opened record's time: its stream.
    const stream =
      k === HANDSHAKE
        ? symEnds + 2 * sizes
        : k === REPLAY
          ? replayEnds
          : k === KEY_UPDATE
            ? keyUpdateEnds
            : symEnds + (k === FORGED ? OPEN : k) * sizes + job.size;
    schedule(stream, sim.now + t, job, EV_SYM);
  };

  const startPk = (job: Job): void => {
    pkFree--;
    busy.pkLanes += inWindow(sim.now, sim.now + costs.handshakePkNs);
    schedule(PK_ENDS, sim.now + costs.handshakePkNs, job, EV_PK);
  };

  const finish = (job: Job): void => {
    account();
    inFlight--;
    delivered[job.phase]! += 1;
    if (job.phase === 1 && sim.now <= steadyEnd) deliveredBits[1]! += job.bytes * 8;
    latency[job.phase]!.add(sim.now - job.arrival);
    observe?.outcome(job.id, sim.now);
    // A sealed record's latency to the wire ends when the link sent it, but in lookaside it never reaches the TX ring:
    // its latency ends at the write-back, here.
    // Its job is done with here, but a sealed record's inline only once the link has sent it.
    if (job.kind !== SEAL || lookaside) {
      wire[job.phase]!.add(sim.now - job.arrival);
      jobs.give(job);
    }
    dispatch();
  };

  /** A protocol event's arrival, and the next of its kind (replays follow the opened traffic into the burst). */
  const eventArrival = (e: Source): void => {
    if (sim.now >= arrivalsEnd) return;
    const i = e.kind - FORGED;
    const r = eventRand[i]!;
    const rate = (eventRate[i]! * (e.kind === REPLAY ? factorAt(sim.now) : 1)) / 1e9;
    schedule(eventArrivals + i, sim.now + r.exponential(1 / rate), e, EV_EVENT);
    // A key update's record is its own size (the host's costs' last entry); the others take the mix's.
    const size = e.kind === KEY_UPDATE ? sizes : pickSize(r);
    const bytes = e.kind === KEY_UPDATE ? KEY_UPDATE_BYTES : traffic.mix[size]!.bytes;
    arrive(jobs.take(e.kind, size, bytes, anySession.draw(r), sim.now, phaseAt(sim.now)));
  };
  /** An event's lane work done: a forged or replayed record dropped, a key update installed (slot, then DRAM). */
  const eventDone = (e: Job): void => {
    if (e.kind === KEY_UPDATE) {
      slots.install(e.session);
      memBook(costs.contextBytes);
    }
    if (e.phase === 1) evCount.done[e.kind - FORGED]! += 1;
    account();
    inFlight--;
    jobs.give(e);
    dispatch();
  };

  // Each event's handler its own function, so that v8 inlines what each calls (one handler for all was past its
  // inlining budget).
  const handshakeArrival = (e: Source): void => {
    if (sim.now >= arrivalsEnd) return;
    arrive(jobs.take(HANDSHAKE, 0, 0, newSession, sim.now, phaseAt(sim.now)));
    newSession = newSession + 1 >= universe ? traffic.activeSessions : newSession + 1;
    const rate = (traffic.handshakesPerSecond * factorAt(sim.now)) / 1e9;
    schedule(HANDSHAKES, sim.now + rand.hs.exponential(1 / rate), e, EV_HS_ARRIVAL);
  };
  const trainArrival = (e: Source): void => {
    if (sim.now >= arrivalsEnd) return;
    const r = e.kind === OPEN ? rand.open : rand.seal;
    const rate = (recordRate[e.kind]! * factorAt(sim.now)) / 1e9 / traffic.trainRecords;
    schedule(TRAINS + e.kind, sim.now + r.exponential(1 / rate), e, EV_TRAIN);
    // A train: its records back to back at the link rate, from one session.
    const train = new Source(e.kind, EV_TRAIN_NEXT);
    train.session = pickSession();
    train.left = trainLength === undefined ? 1 : trainLength.draw(r);
    trainRecord(train);
  };
  const trainRecord = (e: Source): void => {
    const size = pickSize(e.kind === OPEN ? rand.open : rand.seal);
    const bytes = traffic.mix[size]!.bytes;
    arrive(jobs.take(e.kind, size, bytes, e.session, sim.now, phaseAt(sim.now)));
    if (--e.left > 0) schedule(trainNext + size, sim.now + linkNs[size]!, e, EV_TRAIN_NEXT);
  };
  const fetched = (e: Job): void => {
    slots.install(e.session);
    fetching.delete(e.session);
    // The record that asked first (this event's), then the others in the order they asked.
    for (let j: Job | undefined = e; j !== undefined;) {
      const next: Job | undefined = j.nextWait;
      j.nextWait = undefined;
      waitFetch--;
      dmaIn(j);
      j = next;
    }
  };
  const dmaDone = (e: Job): void => {
    dmaFree++;
    if (e.memBound) memBoundNow--;
    const next = dmaQueue.shift();
    if (next !== undefined) startDma(next);
    if (!e.out) return toSym(e);
    if (e.kind === SEAL && !lookaside) {
      // Onto the egress link, one record after another; the entry is freed when it is sent.
      sim.linkFree = Math.max(sim.now, sim.linkFree) + linkNs[e.size]!;
      schedule(LINK, sim.linkFree, e, EV_TX_SENT);
    }
    // Lookaside: written back to the host over PCIe (its slot held until then), its latency ending there.
    if (lookaside) return schedule(PCIE_UP, pcieBook('up', host.backUp[e.size]!, sim.now), e, EV_HOST_OUT);
    finish(e);
  };
  const sent = (e: Job): void => {
    account();
    txCount--;
    wire[e.phase]!.add(sim.now - e.arrival);
    observe?.sent?.(e.id, sim.now);
    jobs.give(e);
    const next = txWait.shift();
    if (next !== undefined) txOut(next);
  };
  const symDone = (e: Job): void => {
    symFree++;
    const next = symQueue.shift();
    if (next !== undefined) startSym(next);
    if (e.kind > HANDSHAKE) return eventDone(e);
    if (e.kind === HANDSHAKE) {
      slots.install(e.session);
      if (e.phase === 1) {
        hs.completed++;
        hs.latency.add(sim.now - e.arrival);
      }
      return jobs.give(e);
    }
    if (e.kind === SEAL && !lookaside) return txOut(e); // lookaside: back to the host, no TX ring
    e.out = true;
    toDma(e);
  };
  const pkDone = (e: Job): void => {
    pkFree++;
    const next = pkQueue.shift();
    if (next !== undefined) startPk(next);
    dispatch(); // a place in the public-key queue: a blocked handshake at the head may go
    toSym(e);
  };
  const handle = (e: Event): void => {
    if (e instanceof Source) {
      if (e.ev === EV_TRAIN_NEXT) return trainRecord(e);
      if (e.ev === EV_TRAIN) return trainArrival(e);
      if (e.ev === EV_EVENT) return eventArrival(e);
      return handshakeArrival(e);
    }
    switch (e.ev) {
      case EV_DMA:
        return dmaDone(e);
      case EV_SYM:
        return symDone(e);
      case EV_TX_SENT:
        return sent(e);
      case EV_FETCH:
        return fetched(e);
      case EV_BUCKET:
        return fetchEntry(e);
      case EV_HOST_IN:
        hostWaiting--;
        return dmaIn(e);
      case EV_HOST_OUT:
        return finish(e);
      case EV_PK:
        return pkDone(e);
    }
  };

  for (let i = 0; i < 3; i++) {
    const r = eventRand[i];
    if (r !== undefined)
      schedule(eventArrivals + i, r.exponential(1e9 / eventRate[i]!), new Source(FORGED + i, EV_EVENT), EV_EVENT);
  }
  if (traffic.openGbps > 0) schedule(TRAINS + OPEN, 0, new Source(OPEN, EV_TRAIN), EV_TRAIN);
  if (traffic.sealGbps > 0) schedule(TRAINS + SEAL, 0, new Source(SEAL, EV_TRAIN), EV_TRAIN);
  if (traffic.handshakesPerSecond > 0)
    schedule(
      HANDSHAKES,
      rand.hs.exponential(1e9 / traffic.handshakesPerSecond),
      new Source(HANDSHAKE, EV_HS_ARRIVAL),
      EV_HS_ARRIVAL,
    );
  // The drain: every record taken in comes out (so an overload shows as latency with a slope, not a cap), up to 50 times
  // the arrivals' span (a device that cannot drain by then: its records count as never delivered).
  const stopAt = arrivalsEnd * 50 + 1_000_000;
  for (;;) {
    const e = queue.pop();
    if (e === undefined || queue.time > stopAt) break;
    sim.now = queue.time;
    events++;
    handle(e);
  }
  sim.now = Math.max(sim.now, steadyEnd);
  account();
  unblock();

  // Records that never came out count as never delivered (+∞), in their phase's latency.
  const stuck = new Float64Array(PHASES);
  for (let p = 0; p < PHASES; p++) stuck[p] = recOffered[p]! - delivered[p]!;
  const phaseCounts = {
    offered,
    dropped,
    delivered,
    recOffered,
    stuck,
    latency,
    wire,
    episodes,
    largestEpisode,
    atLeast,
  };
  const figures = (phases: number[]): PhaseFigures => phaseFigures(phaseCounts, phases);
  const windowNs = steadyEnd - steadyStart;
  const util: Record<KnobName, number> = {
    lanes: busy.lanes / (knobs.lanes * windowNs),
    pkLanes: knobs.pkLanes === 0 ? 0 : busy.pkLanes / (knobs.pkLanes * windowNs),
    dmaChannels: busy.dmaChannels / (knobs.dmaChannels * windowNs),
    memChannels: busy.memChannels / windowNs,
    pipelineDepth: area.pipe / (knobs.pipelineDepth * windowNs),
    rxRingDepth: area.ring / (knobs.rxRingDepth * windowNs),
    txRingDepth: area.tx / (knobs.txRingDepth * windowNs),
    keySlots: lookups === 0 ? 1 : hits / lookups,
    pcieLanes: Math.max(pcieBusy.up, pcieBusy.down) / windowNs,
  };
  const counts = (i: number): EventCounts => ({
    offered: evCount.offered[i]!,
    dropped: evCount.dropped[i]!,
    done: evCount.done[i]!,
    laneUs: evLane[i]! / 1000,
  });
  const us = (r: Record<KnobName, number>): Record<KnobName, number> =>
    Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v / 1000])) as Record<KnobName, number>;
  return {
    steady: figures([1]),
    burst: bursting ? figures([2, 3]) : undefined,
    handshakes: {
      offered: hs.offered,
      completed: hs.completed,
      dropped: hs.dropped,
      perSecond: (hs.completed * 1e9) / windowNs,
      p99Us: hs.latency.count === 0 ? NaN : hs.latency.quantile(0.99) / 1000,
      capacityPerSecond: costs.handshakePkNs === 0 ? Infinity : (knobs.pkLanes * 1e9) / costs.handshakePkNs,
    },
    deliveredGbps: deliveredBits[1]! / windowNs,
    utilization: util,
    blockedUs: us(blocked),
    steadyDropsBy,
    burstDropsBy,
    events,
    protocol: { forged: counts(0), replays: counts(1), keyUpdates: counts(2) },
  };
}
