// A project that uses dtls13 as installed from its npm tarball, in the
// node:dtls style: listen() and connect() over real UDP on 127.0.0.1,
// credentials as PEM, the hybrid post-quantum group, typed with the
// strictest options.
import {
  ConfigError,
  certificateToPem,
  connect,
  createSecureContext,
  createThrowawayIdentity,
  listen,
  privateKeyToPem,
  type ChartInspectionEvent,
  type DtlsSession,
  type KeyExchangeGroup,
} from 'dtls13';
// The layers below, each from its own entry (package.json "exports"), with its own declarations.
import { ConfigError as SansIoConfigError, DtlsConnection } from 'dtls13/sans-io';
import { decodeDatagram, type DtlsRecord } from 'dtls13/wire';
import { defaultProvider } from 'dtls13/crypto';
import { DtlsWorkerListener, type DtlsWorkerListenOptions } from 'dtls13/workers';
// The hardware model and the generator: their packages are optional peers this project does not install (yaml, ts-morph, ...).
import { simulate, type SimulationOptions } from 'dtls13/hwmodel';
import type { GenerateResult } from 'dtls13/generator';
// The learner of peers' state machines (its mapper needs no optional package).
import { learn } from 'dtls13/learn';

const id = createThrowawayIdentity({ serverName: 'localhost', caName: 'consumer test CA' });
const [leaf] = id.chain;
if (leaf === undefined) throw new Error('no leaf certificate');
const groups: KeyExchangeGroup[] = ['x25519mlkem768', 'x25519'];
const secureContext = createSecureContext({ cert: certificateToPem(leaf), key: privateKeyToPem(id.privateKey) });
const inspected = new Set<string>();
const inspect = (event: ChartInspectionEvent): void => void inspected.add(event.type);

// The sans-I/O client's first datagram, decoded by the wire entry: one ClientHello record.
const probe = DtlsConnection.client({ trustAnchors: [id.caDer], serverName: 'localhost' });
probe.connect(0);
const hello = probe.pollTransmit();
const records: DtlsRecord[] = hello === undefined ? [] : decodeDatagram(hello, { cidLength: 0 });
console.log(
  `sans-io: ${records.length} record, provider ${defaultProvider().name}, one ConfigError: ${String(SansIoConfigError === ConfigError)}`,
);

// The other entries: workers' types, one run of the hardware model, the generator saying what it needs.
const workerOptions: DtlsWorkerListenOptions = { workers: 1 };
const modelled: SimulationOptions = { connections: 1, records: 1, seed: 1 };
const run = simulate(modelled);
const generated = await import('dtls13/generator').then(
  (g: { generate: (root: string) => Promise<GenerateResult> }) =>
    g.generate('.').then(
      () => 'generated',
      (e: unknown) => (e instanceof Error ? e.message : String(e)),
    ),
  (e: unknown) => `the import failed: ${e instanceof Error ? e.message : String(e)}`,
);
console.log(
  `workers: ${typeof DtlsWorkerListener} ${String(workerOptions.workers)}; hwmodel: ${run.report.handshakes.completed} handshake; learn: ${typeof learn}; generator: ${generated}`,
);

const watchdog = setTimeout(() => {
  console.error('consumer: no reply within 20 s');
  process.exit(1);
}, 20_000);

const endpoint = listen(
  (session: DtlsSession) => {
    session.onmessage = (data: Buffer) => session.send(data);
  },
  { secureContext, groups, host: '127.0.0.1', port: 0 },
);
const { port } = await endpoint.listening;
const session = connect('localhost', port, { ca: certificateToPem(id.caDer), groups, inspect });
try {
  await session.opened;
  const reply = new Promise<Buffer>((resolve) => (session.onmessage = resolve));
  session.send('hello from a consumer project');
  const data = await reply;
  console.log(
    `consumer: ${data.toString()} | group ${session.parameters?.group ?? 'none'} | inspected ${[...inspected].sort().join(' ')}`,
  );
} catch (error) {
  console.error(`consumer: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await session.close();
  await endpoint.close();
  clearTimeout(watchdog);
}
