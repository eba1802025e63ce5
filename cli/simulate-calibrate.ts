/**
 * `dtls13 simulate --calibrate`: measures this machine's real crypto and
 * handshake costs, writes them as a timing profile, prints the figures and
 * the validation table (the model on the software platform against fresh
 * measurements of the same machine).
 */
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  calibrateAndValidate,
  formatValidation,
  type CalibrationDetails,
  type TimingValidation,
} from '../hwmodel/calibrate/index.js';
import { saveProfile, type TimingProfile } from '../hwmodel/timing/index.js';
import type { CalibratePlan } from './simulate-args.js';
import { CliUsageError } from './usage-error.js';

/** Record payload the figures are quoted at (the simulation's default payload). */
const QUOTE_BYTES = 1200;

/** The measured figures as lines of text. */
export function measuredFigures(profile: TimingProfile, details: CalibrationDetails): string {
  const t = profile.crypto.software.table;
  const us = (x: number): string => `${x.toFixed(x >= 100 ? 0 : x >= 10 ? 1 : 2)} µs`;
  const linear = (c: { setupUs: number; perByteNs: number }): string =>
    `${us(c.setupUs + (c.perByteNs * QUOTE_BYTES) / 1000)} (${c.setupUs.toFixed(2)} µs + ${c.perByteNs.toFixed(3)} ns/B)`;
  const row = (label: string, value: string): string => `  ${label.padEnd(38)}${value}`;
  const lines = [
    `Measured on ${profile.metadata.machine} with the ${profile.metadata.provider} provider, ${profile.metadata.date}:`,
    row(
      'handshake, in memory, both ends',
      `${details.handshakeMs.toFixed(3)} ms (median of ${details.handshakes}), ${(details.cryptoShare * 100).toFixed(0)} % in crypto`,
    ),
    row(
      'per handshake message, non-crypto',
      `${us(details.processing.messageUs)} (${details.messages} messages per handshake)`,
    ),
    row('per record or datagram, non-crypto', us(details.processing.recordUs)),
    row(`one ${QUOTE_BYTES}-byte record, both ends`, us(details.recordUs)),
  ];
  for (const [suite, label] of [
    ['TLS_AES_128_GCM_SHA256', 'AES-128-GCM'],
    ['TLS_AES_256_GCM_SHA384', 'AES-256-GCM'],
    ['TLS_CHACHA20_POLY1305_SHA256', 'ChaCha20-Poly1305'],
  ] as const) {
    const c = t.aead[suite];
    lines.push(
      row(`${label} seal ${QUOTE_BYTES} B`, linear(c.seal)),
      row(`${label} open ${QUOTE_BYTES} B`, linear(c.open)),
    );
  }
  for (const g of ['x25519', 'secp256r1', 'secp384r1'] as const) {
    const c = t.keyExchange[g];
    lines.push(row(`${g} key share / shared secret`, `${us(c.generateUs)} / ${us(c.deriveUs)}`));
  }
  for (const s of ['ecdsa_secp256r1_sha256', 'ed25519'] as const) {
    const c = t.signature[s];
    lines.push(row(`${s} sign / verify`, `${us(c.signUs)} / ${us(c.verifyUs)}`));
  }
  if (profile.metadata.notes !== undefined) lines.push(...wrap(profile.metadata.notes, 100).map((l) => `  ${l}`));
  return `${lines.join('\n')}\n`;
}

/** Runs the calibration and the validation; 0 once the profile is written (validation misses are reported, not fatal). */
export function runCalibration(plan: CalibratePlan): number {
  const profilePath = resolve(plan.profileOut);
  const outPath = plan.out === undefined ? undefined : resolve(plan.out);
  // Files this run creates are removed again if the calibration fails.
  const created = [profilePath, outPath].filter((p): p is string => p !== undefined && !existsSync(p));
  writable('--profile-out', profilePath);
  if (outPath !== undefined) writable('--out', outPath);
  try {
    return measureAndReport(plan, profilePath, outPath);
  } catch (e) {
    for (const p of created) rmSync(p, { force: true });
    throw e;
  }
}

function measureAndReport(plan: CalibratePlan, profilePath: string, outPath: string | undefined): number {
  const log = plan.quiet ? undefined : (line: string): void => void process.stderr.write(`${line}\n`);
  const n = plan.handshakes;
  // A small --calibrate-handshakes also shortens the record and direct timings, so a test run takes seconds.
  const budget =
    n === undefined
      ? {}
      : {
          handshakes: n,
          warmup: Math.min(2, n),
          records: Math.max(50, n * 100),
          repeats: Math.max(5, Math.min(40, n * 5)),
        };
  // The validation's own measurements run between the calibration's rounds: both see the same minutes of the machine.
  const {
    calibration,
    validation,
  }: { calibration: { profile: TimingProfile; details: CalibrationDetails }; validation: TimingValidation } =
    calibrateAndValidate(
      { ...budget, ...(log ? { log } : {}) },
      {
        ...(n === undefined
          ? { handshakes: 200, records: 40000 }
          : {
              handshakes: n,
              rounds: Math.min(6, n),
              warmup: Math.min(150, 5 * n),
              records: Math.max(100, n * 200),
              simulatedRecords: Math.max(20, Math.min(200, n * 20)),
            }),
        ...(log ? { log } : {}),
      },
    );
  const { profile, details } = calibration;
  saveProfile(profilePath, profile);
  if (outPath !== undefined)
    writeFileSync(
      outPath,
      `${JSON.stringify({ format: 'dtls13-calibration', version: 1, profileFile: profilePath, metadata: profile.metadata, details, validation }, null, 2)}\n`,
    );

  const out: string[] = [measuredFigures(profile, details)];
  out.push(`Timing profile written to ${profilePath}`, `  use it with: dtls13 simulate --profile ${profilePath}`, '');
  out.push(
    `Validation: the model (software platform, this profile) against measurements on this machine taken between the calibration's rounds`,
  );
  out.push(formatValidation(validation));
  out.push(
    validation.allWithin
      ? `Every figure within ${Math.round(validation.tolerance * 100)} %.`
      : `Some figures are off by more than ${Math.round(validation.tolerance * 100)} % (marked NO): the machine may be busy; run it again on an idle machine.`,
  );
  if (outPath !== undefined) out.push(`Calibration report (figures and validation rows) written to ${outPath}`);
  process.stdout.write(`${out.join('\n')}\n`);
  return 0;
}

/** Words of `text` in lines of at most `width` characters (a longer word stands alone). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** Fails early, naming the option, when `path` cannot be written. */
function writable(option: string, path: string): void {
  try {
    writeFileSync(path, '', { flag: 'a' });
  } catch (e) {
    throw new CliUsageError(`${option} ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
}
