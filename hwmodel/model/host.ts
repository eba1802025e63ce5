import type { Simulator } from '../kernel/index.js';
import { Module } from '../tlm/index.js';
import {
  bindArchitecture,
  type ConnectionManagerParams,
  type CryptoEngineParams,
  type HandshakeEngineParams,
  type KeyManagerParams,
  type MemoryParams,
  type NetworkChannelParams,
  type RecordLayerParams,
} from '../../generated/tlm/index.js';
import { ConnectionManager } from './connection-manager.js';
import { CryptoEngine } from './crypto-engine.js';
import type { ModelEnv } from './env.js';
import { HandshakeEngine } from './handshake-engine.js';
import { KeyManager } from './key-manager.js';
import { Memory } from './memory.js';
import { NetworkChannel } from './network-channel.js';
import { RecordLayer } from './record-layer.js';

/** Parameter overrides per module of one host (spec/hw names in camelCase). */
export interface HostParams {
  readonly connectionManager?: Partial<ConnectionManagerParams>;
  readonly cryptoEngine?: Partial<CryptoEngineParams>;
  readonly handshakeEngine?: Partial<HandshakeEngineParams>;
  readonly keyManager?: Partial<KeyManagerParams>;
  readonly memory?: Partial<MemoryParams>;
  readonly networkChannel?: Partial<NetworkChannelParams>;
  readonly recordLayer?: Partial<RecordLayerParams>;
}

/** One instance of the spec/hw architecture with its behaviour, bound by the generated `bindArchitecture`. */
export interface Host {
  readonly module: Module;
  readonly connectionManager: ConnectionManager;
  readonly cryptoEngine: CryptoEngine;
  readonly handshakeEngine: HandshakeEngine;
  readonly keyManager: KeyManager;
  readonly memory: Memory;
  readonly networkChannel: NetworkChannel;
  readonly recordLayer: RecordLayer;
}

/** Builds and wires a host named `name`; its network channel's peer side is left for the testbench. */
export function buildHost(sim: Simulator, env: ModelEnv, name: string, params: HostParams = {}): Host {
  const module = new Module(sim, name);
  const host: Host = {
    module,
    connectionManager: new ConnectionManager(sim, env, 'connectionManager', params.connectionManager, module),
    cryptoEngine: new CryptoEngine(sim, env, 'cryptoEngine', params.cryptoEngine, module),
    handshakeEngine: new HandshakeEngine(sim, env, 'handshakeEngine', params.handshakeEngine, module),
    keyManager: new KeyManager(sim, env, 'keyManager', params.keyManager, module),
    memory: new Memory(sim, env, 'memory', params.memory, module),
    networkChannel: new NetworkChannel(sim, env, 'networkChannel', params.networkChannel, module),
    recordLayer: new RecordLayer(sim, env, 'recordLayer', params.recordLayer, module),
  };
  bindArchitecture(host);
  return host;
}

/** Binds two hosts' network channels back to back: each one's egress reaches the other. */
export function connectHosts(a: Host, b: Host): void {
  a.networkChannel.peerRx.bind(b.networkChannel.peerTx);
  b.networkChannel.peerRx.bind(a.networkChannel.peerTx);
}
