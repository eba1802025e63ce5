import test from 'ava';
import { NS, Simulator, type SimTime } from '../../../hwmodel/kernel/index.js';
import type { SyncEnum } from '../../../hwmodel/tlm/index.js';
import { AtInitiator, AtTarget, type CallRecord } from './at-models.js';

const ACCEPT = 10 * NS;
const LATENCY = 50 * NS;
const RESP_ACCEPT = 15 * NS;
const N = 8;

function run(onBeginReq: SyncEnum, onBeginResp: SyncEnum) {
  const sim = new Simulator();
  const cpu = new AtInitiator(sim, 'cpu', N, { respAccept: RESP_ACCEPT, onBeginResp });
  const dev = new AtTarget(sim, 'dev', { accept: ACCEPT, latency: LATENCY, onBeginReq });
  cpu.socket.bind(dev.socket);
  sim.run();
  return { sim, cpu, dev };
}

/**
 * The expected timeline from the base protocol rules: request k starts when
 * request k-1 ended (request exclusion), its response is ready LATENCY after
 * it began, and starts only once the previous response ended (response
 * exclusion); the response ends RESP_ACCEPT later (or at once when END_RESP is skipped).
 */
function timeline(respHold: SimTime) {
  const beginReq: SimTime[] = [];
  const beginResp: SimTime[] = [];
  const endResp: SimTime[] = [];
  for (let k = 0; k < N; k++) {
    beginReq.push(k * ACCEPT);
    const ready = beginReq[k]! + LATENCY;
    beginResp.push(Math.max(ready, k > 0 ? endResp[k - 1]! : 0));
    endResp.push(beginResp[k]! + respHold);
  }
  return { beginReq, endReq: beginReq.map((t) => t + ACCEPT), beginResp, endResp };
}

function callSummary(calls: readonly CallRecord[]): string[] {
  return calls.map((c) => `${c.id} ${c.path} ${c.sent}->${c.status}/${c.phaseAfter}`);
}

test('four-phase base protocol with TLM_ACCEPTED on both paths, timed through the PEQs', (t) => {
  const { sim, cpu, dev } = run('TLM_ACCEPTED', 'TLM_ACCEPTED');
  const want = timeline(RESP_ACCEPT);
  t.deepEqual(cpu.beginReqAt, want.beginReq);
  t.deepEqual(cpu.endReqAt, want.endReq);
  t.deepEqual(cpu.beginRespAt, want.beginResp);
  t.deepEqual(cpu.completedAt, want.endResp);
  t.deepEqual(dev.responseDoneAt, want.endResp);
  // response exclusion really bit: responses are spaced by RESP_ACCEPT, more than the request spacing
  t.deepEqual(want.beginResp.slice(0, 4), [50 * NS, 65 * NS, 80 * NS, 95 * NS]);
  t.is(sim.now, want.endResp[N - 1]!);
  t.deepEqual(cpu.statuses, new Array<string>(N).fill('ok'));
  for (let k = 0; k < N; k++) {
    const mine = [...cpu.calls, ...dev.calls].filter((c) => c.id === k).sort((a, b) => a.seq - b.seq);
    t.deepEqual(callSummary(mine), [
      `${k} fw BEGIN_REQ->TLM_ACCEPTED/BEGIN_REQ`,
      `${k} bw END_REQ->TLM_ACCEPTED/END_REQ`,
      `${k} bw BEGIN_RESP->TLM_ACCEPTED/BEGIN_RESP`,
      `${k} fw END_RESP->TLM_ACCEPTED/END_RESP`,
    ]);
  }
  t.deepEqual(
    dev.recordNumbers,
    Array.from({ length: N }, (_, k) => k),
    'the DtlsExtension rode along on nb_transport_fw',
  );
  t.is(cpu.pool.available, cpu.pool.created, 'every payload went back to the pool');
  t.true(cpu.pool.created < N, `payloads were reused (${cpu.pool.created} for ${N} transactions)`);
});

test('TLM_UPDATED returns: END_REQ and END_RESP in place, same timing, half the calls', (t) => {
  const { cpu, dev } = run('TLM_UPDATED', 'TLM_UPDATED');
  const want = timeline(RESP_ACCEPT);
  t.deepEqual(cpu.endReqAt, want.endReq);
  t.deepEqual(cpu.beginRespAt, want.beginResp);
  t.deepEqual(cpu.completedAt, want.endResp);
  t.deepEqual(dev.responseDoneAt, want.endResp);
  const all = callSummary([...cpu.calls, ...dev.calls]);
  t.is(all.length, 2 * N);
  t.is(all.filter((c) => c.endsWith('fw BEGIN_REQ->TLM_UPDATED/END_REQ')).length, N);
  t.is(all.filter((c) => c.endsWith('bw BEGIN_RESP->TLM_UPDATED/END_RESP')).length, N);
  t.is(cpu.pool.available, cpu.pool.created);
});

test('early completion: the target returns TLM_COMPLETED on BEGIN_REQ, no backward call', (t) => {
  const { sim, cpu, dev } = run('TLM_COMPLETED', 'TLM_ACCEPTED');
  t.deepEqual(
    cpu.completedAt,
    Array.from({ length: N }, (_, k) => (k + 1) * LATENCY),
  );
  t.deepEqual(
    cpu.beginReqAt,
    Array.from({ length: N }, (_, k) => k * LATENCY),
  );
  t.deepEqual(dev.calls, [], 'the target never used the backward path');
  t.deepEqual(
    callSummary(cpu.calls),
    Array.from({ length: N }, (_, k) => `${k} fw BEGIN_REQ->TLM_COMPLETED/BEGIN_REQ`),
  );
  t.deepEqual(cpu.statuses, new Array<string>(N).fill('ok'));
  t.is(sim.now, N * LATENCY);
  t.is(cpu.pool.created, 1);
  t.is(cpu.pool.available, 1);
});

test('END_RESP skipped: the initiator returns TLM_COMPLETED on BEGIN_RESP', (t) => {
  const { cpu, dev } = run('TLM_ACCEPTED', 'TLM_COMPLETED');
  const want = timeline(RESP_ACCEPT);
  t.deepEqual(cpu.beginRespAt, want.beginResp);
  t.deepEqual(cpu.completedAt, want.endResp);
  t.deepEqual(dev.responseDoneAt, want.endResp, 'the response channel frees at the annotated completion');
  const all = callSummary([...cpu.calls, ...dev.calls]);
  t.false(
    all.some((c) => c.includes('END_RESP')),
    'no END_RESP call on either path',
  );
  t.is(all.filter((c) => c.endsWith('bw BEGIN_RESP->TLM_COMPLETED/BEGIN_RESP')).length, N);
  t.is(cpu.pool.available, cpu.pool.created);
});
