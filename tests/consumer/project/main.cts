// The same project from CommonJS: every entry of the package by require(), typed by its .d.cts (tsc compiles this
// file to out/main.cjs, which Node runs as CommonJS). Each entry must be the very module import gets.
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS consumer: require() is what this file checks */
import dtls13 = require('dtls13');
import sansIo = require('dtls13/sans-io');
import wire = require('dtls13/wire');
import crypto = require('dtls13/crypto');
import workers = require('dtls13/workers');
import hwmodel = require('dtls13/hwmodel');
import learn = require('dtls13/learn');
import generator = require('dtls13/generator');

async function main(): Promise<void> {
  const imported = [
    await import('dtls13'),
    await import('dtls13/sans-io'),
    await import('dtls13/wire'),
    await import('dtls13/crypto'),
    await import('dtls13/workers'),
    await import('dtls13/hwmodel'),
    await import('dtls13/learn'),
    await import('dtls13/generator'),
  ];
  const required = [dtls13, sansIo, wire, crypto, workers, hwmodel, learn, generator];
  const same = required.every(
    (m, i) =>
      Object.keys(m).length > 0 &&
      Object.keys(m).every((k) => (m as Record<string, unknown>)[k] === (imported[i] as Record<string, unknown>)[k]),
  );
  const id = dtls13.createThrowawayIdentity({ serverName: 'localhost', caName: 'cjs consumer CA' });
  const refused = ((): unknown => {
    try {
      dtls13.listen(() => undefined, { cert: [...id.chain], key: id.privateKey, mtu: 1 });
      return undefined;
    } catch (e) {
      return e;
    }
  })();
  const probe = sansIo.DtlsConnection.client({ trustAnchors: [id.caDer], serverName: 'localhost' });
  probe.connect(0);
  const hello = probe.pollTransmit();
  const records = hello === undefined ? 0 : wire.decodeDatagram(hello, { cidLength: 0 }).length;
  const run = hwmodel.simulate({ connections: 1, records: 1, seed: 1 });
  console.log(
    `cjs: 8 entries required, the same as imported: ${String(same)}; ConfigError ${String(refused instanceof sansIo.ConfigError)}; ${records} record; provider ${crypto.defaultProvider().name}; workers ${typeof workers.listenWorkers}; hwmodel ${run.report.handshakes.completed} handshake; learn ${typeof learn.learn}; generator ${typeof generator.generate}`,
  );
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
