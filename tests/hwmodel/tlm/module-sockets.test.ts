import test from 'ava';
import { ConfigError } from '../../../runtime/config-error.js';
import { NS, Simulator } from '../../../hwmodel/kernel/index.js';
import { GenericPayload, InitiatorSocket, Module, TargetSocket, TlmError } from '../../../hwmodel/tlm/index.js';
import { Initiator, Memory } from './memory.js';

test('modules and sockets have dot-joined full names', (t) => {
  const sim = new Simulator();
  const soc = new Module(sim, 'soc');
  const cpu = new Initiator(sim, 'cpu', soc);
  const mem = new Memory(sim, 'mem', 16, NS, soc);
  t.is(cpu.fullName, 'soc.cpu');
  t.is(cpu.socket.fullName, 'soc.cpu.socket');
  t.is(mem.target.fullName, 'soc.mem.target');
  t.is(mem.target.owner, mem);
  t.is(cpu.parent, soc);
  t.deepEqual(soc.children, [cpu, mem]);
  t.is(cpu.sim, sim);
});

test('bad and duplicate names throw ConfigError naming the full name', (t) => {
  const sim = new Simulator();
  const soc = new Module(sim, 'soc');
  new Module(sim, 'a', soc);
  t.throws(() => new Module(sim, 'a', soc), {
    instanceOf: ConfigError,
    message: /module soc\.a: the name is already used/,
  });
  t.throws(() => new Module(sim, 'soc'), { instanceOf: ConfigError, message: /module soc: the name is already used/ });
  t.throws(() => new Module(sim, 'x.y', soc), { instanceOf: ConfigError, message: /"x\.y" in soc/ });
  t.throws(() => new Module(sim, ''), { instanceOf: ConfigError });
  const m = new Module(sim, 'm');
  new TargetSocket(m, 'port');
  t.throws(() => new InitiatorSocket(m, 'port'), { instanceOf: ConfigError, message: /socket m\.port/ });
  t.throws(() => new Module(new Simulator(), 'child', soc), { instanceOf: ConfigError, message: /parent's simulator/ });
  // a second simulator has its own top-level names
  t.notThrows(() => new Module(new Simulator(), 'soc'));
});

test('binding twice, on either side, throws TlmError naming the socket', (t) => {
  const sim = new Simulator();
  const a = new Initiator(sim, 'a');
  const b = new Initiator(sim, 'b');
  const m1 = new Memory(sim, 'm1', 8, 0);
  const m2 = new Memory(sim, 'm2', 8, 0);
  t.false(a.socket.isBound);
  a.socket.bind(m1.target);
  t.true(a.socket.isBound);
  t.is(a.socket.peer, m1.target);
  t.is(m1.target.peer, a.socket);
  let e = t.throws(() => a.socket.bind(m2.target), { instanceOf: TlmError });
  t.is(e.subject, 'a.socket');
  t.regex(e.message, /a\.socket: is already bound to m1\.target; cannot bind it to m2\.target/);
  e = t.throws(() => b.socket.bind(m1.target), { instanceOf: TlmError });
  t.is(e.subject, 'm1.target');
  t.false(b.socket.isBound, 'a failed bind leaves the initiator unbound');
  e = t.throws(() => m1.target.bind(b.socket), { instanceOf: TlmError });
  t.is(e.subject, 'm1.target');
  // target-side bind is the same binding
  m2.target.bind(b.socket);
  t.is(b.socket.peer, m2.target);
  const other = new Memory(new Simulator(), 'far', 8, 0);
  const c = new Initiator(sim, 'c');
  t.throws(() => c.socket.bind(other.target), {
    instanceOf: TlmError,
    message: /c\.socket: cannot bind to far\.target, which belongs to another simulator/,
  });
});

test('using an unbound socket throws TlmError naming it; a missing callback names the peer', (t) => {
  const sim = new Simulator();
  const a = new Initiator(sim, 'top');
  const gp = new GenericPayload();
  const delay = { value: 0 };
  const phase = { value: 'BEGIN_REQ' as const };
  for (const call of [
    () => a.socket.bTransport(gp, delay),
    () => a.socket.nbTransportFw(gp, phase, delay),
    () => a.socket.transportDbg(gp),
  ]) {
    const e = t.throws(call, { instanceOf: TlmError });
    t.is(e.subject, 'top.socket');
    t.regex(e.message, /top\.socket: initiator socket is not bound/);
  }
  const lone = new Module(sim, 'lone');
  const target = new TargetSocket(lone, 't');
  t.throws(() => target.nbTransportBw(gp, phase, delay), {
    instanceOf: TlmError,
    message: /lone\.t: target socket is not bound/,
  });
  a.socket.bind(target);
  t.throws(() => a.socket.bTransport(gp, delay), {
    instanceOf: TlmError,
    message: /top\.socket: target lone\.t registered no b_transport/,
  });
  t.throws(() => a.socket.nbTransportFw(gp, phase, delay), {
    instanceOf: TlmError,
    message: /registered no nb_transport_fw/,
  });
  t.throws(() => target.nbTransportBw(gp, phase, delay), {
    instanceOf: TlmError,
    message: /lone\.t: initiator top\.socket registered no nb_transport_bw/,
  });
  t.is(a.socket.transportDbg(gp), 0, 'no transport_dbg registered: nothing moved');
});

test('transport_dbg moves data without time and returns the bytes moved', (t) => {
  const sim = new Simulator();
  const cpu = new Initiator(sim, 'cpu');
  const mem = new Memory(sim, 'mem', 32, 10 * NS);
  cpu.socket.bind(mem.target);
  const gp = new GenericPayload();
  gp.command = 'write';
  gp.address = 4;
  gp.data = Uint8Array.of(1, 2, 3, 4, 5);
  gp.dataLength = 5;
  t.is(cpu.socket.transportDbg(gp), 5);
  t.deepEqual([...mem.bytes.subarray(4, 9)], [1, 2, 3, 4, 5]);
  const rd = new GenericPayload();
  rd.command = 'read';
  rd.address = 6;
  rd.data = new Uint8Array(3);
  rd.dataLength = 3;
  t.is(cpu.socket.transportDbg(rd), 3);
  t.deepEqual([...rd.data], [3, 4, 5]);
  rd.address = 31;
  t.is(cpu.socket.transportDbg(rd), 0, 'out of range: nothing moved');
  t.is(sim.now, 0);
});
