import test from 'ava';
import { NS, Simulator, type SimTime, type Wait } from '../../../hwmodel/kernel/index.js';
import {
  DtlsExtension,
  GenericPayload,
  Module,
  TargetSocket,
  TlmExtension,
  type Delay,
} from '../../../hwmodel/tlm/index.js';
import { Initiator, Memory } from './memory.js';

class TagExtension extends TlmExtension {
  readonly tag: string;
  constructor(tag: string) {
    super();
    this.tag = tag;
  }
  override clone(): TagExtension {
    return new TagExtension(this.tag);
  }
  override copyFrom(): void {}
}

test('b_transport delay annotation: initiator and target add to the delay, one sync at the end', (t) => {
  const sim = new Simulator();
  const cpu = new Initiator(sim, 'cpu');
  const mem = new Memory(sim, 'mem', 64, 10 * NS);
  cpu.socket.bind(mem.target);
  const compute = 2 * NS;
  const n = 5;
  const readBack: number[] = [];
  const nowAfterEach: SimTime[] = [];
  let syncedAt = -1;
  sim.thread('cpu', function* () {
    const gp = new GenericPayload();
    const delay: Delay = { value: 0 };
    const byte = new Uint8Array(1);
    for (let i = 0; i < n; i++) {
      delay.value += compute;
      gp.command = 'write';
      gp.address = i;
      byte[0] = 10 + i;
      gp.data = byte;
      gp.dataLength = 1;
      gp.responseStatus = 'incomplete';
      yield* cpu.socket.bTransport(gp, delay);
      t.true(gp.isResponseOk());
      gp.command = 'read';
      byte[0] = 0;
      yield* cpu.socket.bTransport(gp, delay);
      readBack.push(byte[0]);
      nowAfterEach.push(sim.now);
    }
    yield delay.value;
    syncedAt = sim.now;
  });
  sim.run();
  t.deepEqual(readBack, [10, 11, 12, 13, 14]);
  t.deepEqual(nowAfterEach, new Array<number>(n).fill(0), 'loosely timed: no simulated time passes inside the loop');
  t.deepEqual(mem.seenAt, new Array<number>(2 * n).fill(0));
  t.is(syncedAt, n * (compute + 2 * mem.latency));
  t.is(sim.now, syncedAt);
});

/** A target that synchronises the annotated delay, waits its access time, then annotates a further latency. */
class WaitingTarget extends Module {
  readonly target = new TargetSocket(this, 'target');
  readonly access = 5 * NS;
  readonly after = 3 * NS;
  readonly entered: SimTime[] = [];
  readonly synced: SimTime[] = [];

  constructor(sim: Simulator, name: string) {
    super(sim, name);
    this.target.registerBTransport((gp, delay) => this.transport(gp, delay));
  }

  *transport(gp: GenericPayload, delay: Delay): Generator<Wait, void, void> {
    this.entered.push(this.sim.now);
    yield delay.value; // sync to the initiator's local time
    delay.value = 0;
    this.synced.push(this.sim.now);
    yield this.access;
    gp.responseStatus = 'ok';
    delay.value += this.after;
  }
}

test('a target that waits inside b_transport: time passes in the call, the rest is annotated', (t) => {
  const sim = new Simulator();
  const cpu = new Initiator(sim, 'cpu');
  const slow = new WaitingTarget(sim, 'slow');
  cpu.socket.bind(slow.target);
  const compute = 2 * NS;
  const n = 3;
  const returnedAt: SimTime[] = [];
  const annotated: SimTime[] = [];
  sim.thread('cpu', function* () {
    const gp = new GenericPayload();
    gp.command = 'ignore';
    const delay: Delay = { value: 0 };
    for (let i = 0; i < n; i++) {
      delay.value += compute;
      yield* cpu.socket.bTransport(gp, delay);
      t.is(gp.responseStatus, 'ok');
      returnedAt.push(sim.now);
      annotated.push(delay.value);
    }
    yield delay.value;
  });
  sim.run();
  // each round: the initiator's pending delay (annotation left over + compute) is synced by the target,
  // then the access time passes inside the call, and `after` comes back annotated
  const entered: SimTime[] = [];
  const synced: SimTime[] = [];
  const back: SimTime[] = [];
  let now = 0;
  let delay = 0;
  for (let i = 0; i < n; i++) {
    delay += compute;
    entered.push(now);
    now += delay;
    synced.push(now);
    now += slow.access;
    back.push(now);
    delay = slow.after;
  }
  t.deepEqual(slow.entered, entered);
  t.deepEqual(slow.synced, synced);
  t.deepEqual(returnedAt, back);
  t.deepEqual(annotated, new Array<number>(n).fill(slow.after));
  t.is(sim.now, n * (compute + slow.access + slow.after));
});

test('response status errors set by the target reach the initiator', (t) => {
  const sim = new Simulator();
  const cpu = new Initiator(sim, 'cpu');
  const mem = new Memory(sim, 'mem', 16, NS);
  cpu.socket.bind(mem.target);
  const results: [string, boolean, string][] = [];
  sim.thread('cpu', function* () {
    const delay: Delay = { value: 0 };
    const cases: ((gp: GenericPayload) => void)[] = [
      (gp) => {
        gp.address = 14; // 14 + 4 > 16
      },
      (gp) => {
        gp.streamingWidth = 2;
      },
      (gp) => {
        gp.byteEnables = Uint8Array.of(0xff);
        gp.byteEnableLength = 0;
      },
      () => {},
    ];
    for (const setup of cases) {
      const gp = new GenericPayload();
      gp.command = 'write';
      gp.data = new Uint8Array(4);
      gp.dataLength = 4;
      setup(gp);
      yield* cpu.socket.bTransport(gp, delay);
      results.push([gp.responseStatus, gp.isResponseError(), gp.responseString()]);
    }
  });
  sim.run();
  t.deepEqual(results, [
    ['address_error', true, 'TLM_ADDRESS_ERROR_RESPONSE'],
    ['burst_error', true, 'TLM_BURST_ERROR_RESPONSE'],
    ['byte_enable_error', true, 'TLM_BYTE_ENABLE_ERROR_RESPONSE'],
    ['ok', false, 'TLM_OK_RESPONSE'],
  ]);
  t.deepEqual([...mem.bytes.subarray(0, 4)], [0, 0, 0, 0]);
});

test('extensions travel with the payload: set at the initiator, changed at the target, seen back', (t) => {
  const sim = new Simulator();
  const cpu = new Initiator(sim, 'cpu');
  const engine = new Module(sim, 'engine');
  const target = new TargetSocket(engine, 'target');
  cpu.socket.bind(target);
  const cid = Uint8Array.of(0xca, 0xfe);
  const sent = new DtlsExtension({ contentType: 23, epoch: 3, recordNumber: 41, cid });
  let atTarget: { ext: DtlsExtension | undefined; fields: unknown; tag: TagExtension | undefined } | undefined;
  target.registerBTransport(function* (gp, delay) {
    const ext = gp.getExtension(DtlsExtension);
    atTarget = {
      ext,
      fields: ext && [ext.contentType, ext.epoch, ext.recordNumber, ext.cid],
      tag: gp.getExtension(TagExtension),
    };
    if (ext === undefined) {
      gp.responseStatus = 'generic_error';
      return;
    }
    ext.recordNumber += 1; // the target writes back into the same extension
    ext.contentType = 21;
    gp.setExtension(new TagExtension('from-target'));
    gp.responseStatus = 'ok';
    delay.value += NS;
    yield 0;
  });
  const gp = new GenericPayload();
  sim.thread('cpu', function* () {
    gp.setExtension(sent);
    gp.setExtension(new TagExtension('cleared-before-send'));
    gp.clearExtension(TagExtension);
    yield* cpu.socket.bTransport(gp, { value: 0 });
  });
  sim.run();
  t.truthy(atTarget);
  t.is(atTarget!.ext, sent, 'the same extension object arrives');
  t.deepEqual(atTarget!.fields, [23, 3, 41, cid]);
  t.is(atTarget!.tag, undefined, 'a cleared extension is absent at the target');
  t.is(gp.responseStatus, 'ok');
  t.is(gp.getExtension(DtlsExtension)?.recordNumber, 42);
  t.is(gp.getExtension(DtlsExtension)?.contentType, 21);
  t.is(gp.getExtension(DtlsExtension)?.cid, cid);
  t.is(gp.getExtension(TagExtension)?.tag, 'from-target');
});
