import test from 'ava';
import { NS, Simulator, US, type Wait } from '../../hwmodel/kernel/index.js';
import {
  GenericPayload,
  type Delay,
  type PhaseRef,
  type SyncEnum,
  type TargetSocket,
  InitiatorSocket,
} from '../../hwmodel/tlm/index.js';
import { ConfigError } from '../../runtime/config-error.js';
import {
  architectureConnections,
  architectureExternals,
  architectureModules,
  bindArchitecture,
  ConnectionManagerSkeleton,
  CryptoEngineSkeleton,
  cryptoEngineDefaults,
  HandshakeEngineSkeleton,
  KeyManagerSkeleton,
  MemorySkeleton,
  memoryDefaults,
  NetworkChannelSkeleton,
  networkChannelDefaults,
  RecordLayerSkeleton,
  type ArchitectureModules,
} from '../../generated/tlm/index.js';

/** Handwritten stand-ins for hwmodel/model: every hook logs its name (and binding index) and charges 1 ns. */
type Log = string[];

function* charge(log: Log, entry: string, delay: Delay): Generator<Wait, void, void> {
  log.push(entry);
  delay.value += 1 * NS;
}

function modules(sim: Simulator, log: Log): ArchitectureModules {
  class NetworkChannel extends NetworkChannelSkeleton {
    protected override bTransportDeviceTx(_gp: GenericPayload, delay: Delay) {
      return charge(log, 'networkChannel.deviceTx', delay);
    }
    protected override bTransportPeerTx(_gp: GenericPayload, delay: Delay) {
      return charge(log, 'networkChannel.peerTx', delay);
    }
  }
  class ConnectionManager extends ConnectionManagerSkeleton {
    protected override bTransportNetworkRx(_gp: GenericPayload, delay: Delay) {
      return charge(log, 'connectionManager.networkRx', delay);
    }
    protected override bTransportRecordsTx(_gp: GenericPayload, delay: Delay) {
      return charge(log, 'connectionManager.recordsTx', delay);
    }
  }
  class RecordLayer extends RecordLayerSkeleton {
    protected override bTransportDatagrams(_gp: GenericPayload, delay: Delay) {
      return charge(log, 'recordLayer.datagrams', delay);
    }
    protected override bTransportHost(_gp: GenericPayload, delay: Delay) {
      return charge(log, 'recordLayer.host', delay);
    }
    protected override bTransportFlights(_gp: GenericPayload, delay: Delay) {
      return charge(log, 'recordLayer.flights', delay);
    }
    protected override nbTransportBwCrypto(_gp: GenericPayload, phase: PhaseRef): SyncEnum {
      log.push(`recordLayer.crypto bw ${phase.value}`);
      return 'TLM_COMPLETED';
    }
  }
  class HandshakeEngine extends HandshakeEngineSkeleton {
    protected override bTransportRecords(_gp: GenericPayload, delay: Delay) {
      return charge(log, 'handshakeEngine.records', delay);
    }
  }
  class CryptoEngine extends CryptoEngineSkeleton {
    protected override bTransportCommand(_gp: GenericPayload, delay: Delay, index: number) {
      return charge(log, `cryptoEngine.command[${index}]`, delay);
    }
    protected override nbTransportFwCommand(
      _gp: GenericPayload,
      phase: PhaseRef,
      _delay: Delay,
      index: number,
    ): SyncEnum {
      log.push(`cryptoEngine.command[${index}] fw ${phase.value}`);
      phase.value = 'END_REQ';
      return 'TLM_UPDATED';
    }
  }
  class KeyManager extends KeyManagerSkeleton {
    protected override bTransportRequests(_gp: GenericPayload, delay: Delay, index: number) {
      return charge(log, `keyManager.requests[${index}]`, delay);
    }
  }
  class Memory extends MemorySkeleton {
    protected override bTransportPort(_gp: GenericPayload, delay: Delay, index: number) {
      return charge(log, `memory.port[${index}]`, delay);
    }
  }
  return {
    networkChannel: new NetworkChannel(sim),
    connectionManager: new ConnectionManager(sim),
    recordLayer: new RecordLayer(sim),
    handshakeEngine: new HandshakeEngine(sim),
    cryptoEngine: new CryptoEngine(sim, 'crypto', { lanes: 8 }),
    keyManager: new KeyManager(sim),
    memory: new Memory(sim),
  };
}

/** The socket object an endpoint of the generated tables names. */
function socketOf(
  m: ArchitectureModules,
  e: { readonly module: keyof ArchitectureModules; readonly socket: string; readonly index?: number },
): InitiatorSocket | TargetSocket {
  const field = (m[e.module] as unknown as Record<string, InitiatorSocket | TargetSocket | readonly TargetSocket[]>)[
    e.socket
  ];
  const s = Array.isArray(field) ? field[e.index ?? -1] : field;
  if (s === undefined || Array.isArray(s)) throw new Error(`no socket ${e.module}.${e.socket}`);
  return s as InitiatorSocket | TargetSocket;
}

test('parameters: the spec defaults, parsed to ps / bit/s / bytes, overridden per instance', (t) => {
  const sim = new Simulator({ seed: 1 });
  const m = modules(sim, []);
  t.is(networkChannelDefaults.latency, 50 * US);
  t.is(networkChannelDefaults.bandwidth, 1e9);
  t.is(memoryDefaults.cacheSize, 256 * 1024);
  t.deepEqual(m.cryptoEngine.params, { ...cryptoEngineDefaults, lanes: 8 });
  t.is(m.cryptoEngine.fullName, 'crypto');
  t.is(m.memory.params.lineSize, 64);
  t.true(Object.isFrozen(cryptoEngineDefaults));
});

test('a bad parameter override is a ConfigError naming the instance and parameter', (t) => {
  const sim = new Simulator({ seed: 1 });
  class Memory extends MemorySkeleton {
    protected override bTransportPort(_gp: GenericPayload, delay: Delay) {
      return charge([], 'x', delay);
    }
  }
  const e1 = t.throws(() => new Memory(sim, 'mem', { lineSize: 0 }), { instanceOf: ConfigError });
  t.is(e1?.option, 'mem.lineSize');
  const e2 = t.throws(() => new Memory(sim, 'mem2', { latency: 1.5 }), { instanceOf: ConfigError });
  t.regex(e2?.message ?? '', /mem2\.latency: must be an integer number of ps >= 0, got 1\.5/);
  class Channel extends NetworkChannelSkeleton {
    protected override bTransportDeviceTx(_gp: GenericPayload, delay: Delay) {
      return charge([], 'x', delay);
    }
    protected override bTransportPeerTx(_gp: GenericPayload, delay: Delay) {
      return charge([], 'x', delay);
    }
  }
  t.is(t.throws(() => new Channel(sim, 'ch', { loss: 1.5 }), { instanceOf: ConfigError })?.option, 'ch.loss');
  t.is(t.throws(() => new Channel(sim, 'ch2', { mtu: 65 }), { instanceOf: ConfigError })?.option, 'ch2.mtu');
  t.notThrows(() => new Channel(sim, 'ch3', { loss: 0.25, mtu: 9000 }));
});

test('bindArchitecture binds exactly the connection table; the externals stay unbound', (t) => {
  const sim = new Simulator({ seed: 1 });
  const m = modules(sim, []);
  bindArchitecture(m);
  t.is(architectureModules.length, 7);
  for (const c of architectureConnections) {
    const from = socketOf(m, c.from);
    t.true(from instanceof InitiatorSocket);
    t.is(from.peer, socketOf(m, c.to), `${c.from.module}.${c.from.socket}`);
  }
  for (const e of architectureExternals)
    t.false(socketOf(m, e.socket).isBound, `${e.socket.module}.${e.socket.socket}`);
  t.deepEqual(
    architectureExternals.map((e) => `${e.socket.module}.${e.socket.socket}`),
    ['networkChannel.peerRx', 'networkChannel.peerTx', 'recordLayer.host'],
  );
});

test('transactions reach the hooks the constructors registered, with the binding index of multi-sockets', (t) => {
  const sim = new Simulator({ seed: 1 });
  const log: Log = [];
  const m = modules(sim, log);
  bindArchitecture(m);
  const delays: number[] = [];
  sim.thread('tb', function* () {
    for (const s of [
      m.networkChannel.deviceRx,
      m.recordLayer.keys,
      m.handshakeEngine.keys,
      m.keyManager.memory,
      m.cryptoEngine.dma,
      m.handshakeEngine.crypto,
      m.recordLayer.crypto,
    ]) {
      const delay: Delay = { value: 0 };
      yield* s.bTransport(new GenericPayload(), delay);
      delays.push(delay.value);
    }
  });
  sim.run();
  const phase: PhaseRef = { value: 'BEGIN_REQ' };
  t.is(m.recordLayer.crypto.nbTransportFw(new GenericPayload(), phase, { value: 0 }), 'TLM_UPDATED');
  t.is(phase.value, 'END_REQ');
  t.is(
    m.cryptoEngine.command[0].nbTransportBw(new GenericPayload(), { value: 'BEGIN_RESP' }, { value: 0 }),
    'TLM_COMPLETED',
  );
  t.deepEqual(log, [
    'connectionManager.networkRx',
    'keyManager.requests[0]',
    'keyManager.requests[1]',
    'memory.port[1]',
    'memory.port[2]',
    'cryptoEngine.command[1]',
    'cryptoEngine.command[0]',
    'cryptoEngine.command[0] fw BEGIN_REQ',
    'recordLayer.crypto bw BEGIN_RESP',
  ]);
  t.deepEqual(
    delays,
    Array.from({ length: 7 }, () => 1 * NS),
  );
});
