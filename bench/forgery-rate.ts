import type { DtlsOptions } from '../runtime/connection/connection.js';
import { forgeryRun, type ForgerySuite, type ForgeryVersion } from '../tests/support/forgery-rate.js';
import { makeIdentity } from '../tests/support/pki-fixtures.js';

/**
 * `npm run bench -- attacks`, issue 56 finding 5: genuine records delivered
 * (%) while forged datagrams arrive from the client's address at 0, 1, 4,
 * 100 and 1,000 a second, DTLS 1.3 and 1.2, AES-128-CCM-8 and AES-128-GCM,
 * the 1.2 CCM_8 session under each `limits.integrityPolicy12`. Simulated
 * clock over the sans-I/O connections (tests/support/forgery-rate.ts): 32 s
 * of 50 genuine records a second over a 50 ms round trip; the attacker
 * forges under the key the client writes with. Deterministic: the figures
 * do not depend on the machine. Each 1.3 CCM_8 cell also gives the
 * KeyUpdates the forgeries caused (the client's, as the server received
 * them).
 */
export function benchForgeryRate(log: (line: string) => void): void {
  const id = makeIdentity('p256', 'server.test');
  const rates = [0, 1, 4, 100, 1000];
  const rows: {
    name: string;
    version: ForgeryVersion;
    suite: ForgerySuite;
    limits?: DtlsOptions['limits'];
    recordsPerDatagram?: number;
  }[] = [
    { name: '1.3 AES-128-CCM-8', version: 'DTLSv1.3', suite: 'ccm8' },
    { name: '1.3 AES-128-CCM-8, 100-record datagrams', version: 'DTLSv1.3', suite: 'ccm8', recordsPerDatagram: 100 },
    { name: '1.3 AES-128-GCM', version: 'DTLSv1.3', suite: 'gcm' },
    { name: "1.2 AES-128-CCM-8 ('count', the default)", version: 'DTLSv1.2', suite: 'ccm8' },
    {
      name: "1.2 AES-128-CCM-8, integrityPolicy12 'rate'",
      version: 'DTLSv1.2',
      suite: 'ccm8',
      limits: { integrityPolicy12: 'rate' },
    },
    {
      name: "1.2 AES-128-CCM-8, integrityPolicy12 'close'",
      version: 'DTLSv1.2',
      suite: 'ccm8',
      limits: { integrityPolicy12: 'close' },
    },
    { name: '1.2 AES-128-GCM', version: 'DTLSv1.2', suite: 'gcm' },
  ];
  log(
    'genuine records delivered while forged datagrams arrive (simulated clock, 32 s, 50 genuine records/s, 50 ms round trip; tests/support/forgery-rate.ts):',
  );
  log(`| session | ${rates.map((r) => `${r.toLocaleString('en-US')} forged/s`).join(' | ')} |`);
  log(`| --- | ${rates.map(() => '---').join(' | ')} |`);
  for (const row of rows) {
    const cells = rates.map((forgedPerSecond) => {
      const o = forgeryRun(id, {
        version: row.version,
        suite: row.suite,
        forgedPerSecond,
        ...(row.limits === undefined ? {} : { serverLimits: row.limits }),
        ...(row.recordsPerDatagram === undefined ? {} : { recordsPerDatagram: row.recordsPerDatagram }),
      });
      const pct = `${o.deliveredPercent.toFixed(o.deliveredPercent === 100 || o.deliveredPercent === 0 ? 0 : 1)} %`;
      const notes = [
        ...(row.version === 'DTLSv1.3' && row.suite === 'ccm8' && forgedPerSecond > 0
          ? [`${o.keyUpdates} KeyUpdates`]
          : []),
        ...(o.ended === undefined ? [] : ['session ended']),
      ];
      return notes.length === 0 ? pct : `${pct} (${notes.join(', ')})`;
    });
    log(`| ${row.name} | ${cells.join(' | ')} |`);
  }
}
