import { benchHandshake } from './handshake.js';
import { benchHandshakeCpu } from './handshake-cpu.js';
import { benchHandshakeKinds } from './handshake-kinds.js';
import { benchHwmodel } from './hwmodel.js';
import { benchKernel } from './kernel.js';
import { benchNetwork } from './network.js';
import { benchRecord } from './record.js';
import { benchWire } from './wire.js';

/**
 * `npm run bench` (`npm run bench -- wire`, `-- record`, `-- handshake`, `-- network`, `-- kernel`, `-- hwmodel`, `-- api`, `-- attacks` or `-- cold` for one part;
 * `-- package-size` (only when named: it builds, packs and installs) for the install size and CLI start time;
 * `-- first-run` (only when named: a clone and its `npm ci`) for the README's main command's time after `npm ci`;
 * `-- scale` (only when named: minutes) for the sessions one process holds, their memory and idle CPU;
 * `-- scale-out` (only when named: a minute or more) for handshakes per second and goodput of a server on 1..cores worker threads;
 * `-- scale-out-instructions` (only when named: valgrind, minutes) for the workers' instructions per handshake with 1 and 2 workers;
 * `-- receive-instructions` (only when named: valgrind, minutes) for a receiving server's instructions per payload and its record-opening calls';
 * `-- send-instructions` (only when named: valgrind, minutes) for a sending client's instructions per payload and its addon calls;
 * `-- handshake-servers` (only when named: wolfSSL, OpenSSL 3.0's libssl-dev, a minute) for the server's CPU per handshake against C servers;
 * `-- road` (only when named: a few seconds) for the functions and files one echo round trip crosses and the frames from socket to event;
 * `-- echo` (only when named: a few seconds) for the CPU per echo round trip in DTLS 1.3 and 1.2 against node:dgram's;
 * `-- lossy` (only when named: root, network namespaces, wolfSSL, minutes) for handshakes over tc netem loss and reordering);
 * `-- learn` (only when named: a minute) for the wall time of `dtls13 learn` with parallel queries against sequential ones;
 * `-- learn-server13` (only when named: minutes) for the same against dtls13's own 1.3 server over real UDP;
 * `-- size-flow` (only when named: about a minute) for the records the sizing flow model simulates a CPU second.
 * Every figure is printed next to a baseline measured in the same run.
 */
const only = process.argv[2];
if (only === undefined || only === 'wire') benchWire();
if (only === undefined || only === 'record') benchRecord();
if (only === undefined || only === 'handshake') {
  benchHandshake();
  benchHandshakeCpu(console.log);
  benchHandshakeKinds();
}
if (only === undefined || only === 'network') await benchNetwork();
if (only === undefined || only === 'kernel') await benchKernel(console.log);
if (only === undefined || only === 'hwmodel') await benchHwmodel(console.log);
if (only === undefined || only === 'memory') await (await import('./memory.js')).benchMemory(console.log);
if (only === undefined || only === 'api') await (await import('./api.js')).benchApi(console.log);
if (only === undefined || only === 'attacks') (await import('./attacks.js')).benchAttacks(console.log);
if (only === undefined || only === 'attacks')
  await (await import('./hibernated-forgery.js')).benchHibernatedForgery(console.log);
if (only === undefined || only === 'attacks')
  await (await import('./attacks-workers.js')).benchWorkerFlood(console.log);
if (only === undefined || only === 'attacks')
  await (await import('./attacks-rrc-decoys.js')).benchRrcDecoys(console.log);
if (only === undefined || only === 'cold') (await import('./cold.js')).benchCold(console.log);
if (only === 'scale') await (await import('./scale.js')).benchScale();
if (only === 'scale-out') await (await import('./scale-out.js')).benchScaleOut(console.log);
if (only === 'scale-out-instructions')
  await (await import('./scale-out/instructions.js')).benchScaleOutInstructions(console.log);
if (only === 'receive-instructions')
  await (await import('./network/receive-instructions.js')).benchReceiveInstructions(console.log);
if (only === 'send-instructions')
  await (await import('./network/send-instructions.js')).benchSendInstructions(console.log);
if (only === 'handshake-servers') await (await import('./handshake-servers.js')).benchHandshakeServers(console.log);
if (only === 'road') await (await import('./road.js')).benchRoad(console.log);
if (only === 'echo') await (await import('./echo.js')).benchEcho(console.log);
if (only === 'learn') await (await import('./learn.js')).benchLearn(console.log);
if (only === 'learn-server13') await (await import('./learn-server13.js')).benchLearnServer13(console.log);
if (only === 'lossy') await (await import('./lossy.js')).benchLossy(console.log);
if (only === 'size-flow') (await import('./size-flow.js')).benchSizeFlow(console.log);
if (only === 'package-size') await (await import('./package-size.js')).benchPackageSize(console.log);
if (only === 'first-run') (await import('./first-run.js')).benchFirstRun(console.log);
