import type { GenericPayload } from '../tlm/index.js';
import type { FlowRole, TracedSocket } from '../trace/index.js';
import { CryptoCommand } from './commands.js';
import type { Host } from './host.js';

/** A datagram or record: its connection (the payload's address) and length. */
function carried(operation: string, flow: FlowRole) {
  return (gp: GenericPayload) => ({ connection: gp.address, operation, bytes: gp.dataLength, flow });
}

/** A crypto command: its operations' kinds in order, without repeats, and their bytes; opening a record ends its datagram's flow. */
function command(gp: GenericPayload): ReturnType<TracedSocket['describe']> {
  const ops = gp.getExtension(CryptoCommand)?.ops ?? [];
  const kinds: string[] = [];
  let bytes = 0;
  for (const o of ops) {
    if (!kinds.includes(o.kind)) kinds.push(o.kind);
    bytes += o.bytes;
  }
  return {
    connection: gp.address,
    operation: kinds.join('+') || 'none',
    bytes,
    flow: kinds.includes('aead_open') ? 'end' : 'step',
  };
}

/**
 * The device's target sockets a transaction trace taps (TransactionTracer):
 * datagrams in at the connection manager (a flow starts) and on into the
 * record layer, records out, the host's writes, the key manager's requests,
 * the crypto engine's commands, the handshake engine's calls (a flow ends)
 * and the memory's ports.
 */
export function tracedSockets(device: Host): TracedSocket[] {
  const cm = device.connectionManager;
  const rl = device.recordLayer;
  const out: TracedSocket[] = [
    { module: cm.fullName, socket: cm.networkRx, describe: carried('datagram in', 'start') },
    { module: cm.fullName, socket: cm.recordsTx, describe: carried('datagram out', 'none') },
    { module: rl.fullName, socket: rl.datagrams, describe: carried('datagram', 'step') },
    { module: rl.fullName, socket: rl.host, describe: carried('host write', 'none') },
    { module: rl.fullName, socket: rl.flights, describe: carried('flight', 'none') },
    {
      module: device.handshakeEngine.fullName,
      socket: device.handshakeEngine.records,
      describe: carried('handshake', 'end'),
    },
  ];
  for (const s of device.keyManager.requests)
    out.push({
      module: device.keyManager.fullName,
      socket: s,
      describe: (gp) => ({
        connection: gp.address,
        operation: `key ${gp.command}`,
        bytes: gp.dataLength,
        flow: 'step',
      }),
    });
  for (const s of device.cryptoEngine.command)
    out.push({ module: device.cryptoEngine.fullName, socket: s, describe: command });
  for (const s of device.memory.port)
    out.push({
      module: device.memory.fullName,
      socket: s,
      describe: (gp) => ({ operation: gp.command, bytes: gp.dataLength, address: gp.address, flow: 'none' }),
    });
  return out;
}
