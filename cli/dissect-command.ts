/**
 * `dtls13 dissect FILE [--keylog FILE] [--port N] [--data] [--json | --ladder] [--ladder-svg FILE]`: the DTLS 1.3 and
 * 1.2 records of a capture, decrypted with a key log, as lines, JSON or a ladder of its datagrams (text, SVG).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { dissectCapture } from './dissect/capture-dissector.js';
import { recordLine, toJson, traceLines } from './dissect/describe.js';
import { ladders, ladderText } from './dissect/ladder.js';
import { ladderSvg } from './dissect/ladder-svg.js';
import { parseKeyLog, type KeyLog } from './dissect/key-log.js';
import { parseArgs } from 'node:util';
import { shortParseError } from './option-table.js';
import { CliUsageError } from './usage-error.js';

export async function runDissect(argv: readonly string[]): Promise<number> {
  let values: {
    keylog?: string;
    port?: string;
    json?: boolean;
    data?: boolean;
    ladder?: boolean;
    'ladder-svg'?: string;
  };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: [...argv],
      options: {
        keylog: { type: 'string' },
        port: { type: 'string' },
        json: { type: 'boolean' },
        data: { type: 'boolean' },
        ladder: { type: 'boolean' },
        'ladder-svg': { type: 'string' },
      },
      allowPositionals: true,
      strict: true,
    }));
  } catch (e) {
    throw new CliUsageError(shortParseError(e instanceof Error ? e.message : String(e)));
  }
  if (positionals.length !== 1)
    throw new CliUsageError(
      positionals.length === 0 ? 'dissect needs a capture FILE' : `one capture FILE, got ${positionals.length}`,
    );
  if (values.json === true && values.ladder === true)
    throw new CliUsageError('--json and --ladder each choose what is printed: give one');
  const path = positionals[0]!;
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535))
    throw new CliUsageError(`--port must be 1..65535, got '${values.port ?? ''}'`);
  const file = readInput(path, 'capture');
  let keyLog: KeyLog = new Map();
  if (values.keylog !== undefined) keyLog = parseKeyLog(new TextDecoder().decode(readInput(values.keylog, '--keylog')));
  const records = dissectCapture(file, keyLog, port, { showData: values.data === true });
  if (records.length === 0) {
    process.stderr.write(`dtls13 dissect: no DTLS records in ${path}\n`);
    return 1;
  }
  if (values['ladder-svg'] !== undefined) {
    const svgPath = resolve(values['ladder-svg']);
    try {
      writeFileSync(svgPath, ladderSvg(ladders(records), `dtls13 dissect ${basename(path)}`));
    } catch (e) {
      throw new CliUsageError(`--ladder-svg ${svgPath}: ${e instanceof Error ? e.message : String(e)}`);
    }
    process.stderr.write(`dtls13 dissect: ladder written to ${svgPath}\n`);
  }
  if (values.ladder === true) {
    process.stdout.write(ladderText(ladders(records)));
    return 0;
  }
  const t0 = records[0]!.time;
  for (const r of records) {
    if (values.json) process.stdout.write(`${toJson(r)}\n`);
    else {
      process.stdout.write(
        `${(r.time - t0).toFixed(6).padStart(10)} ${r.source} > ${r.destination} ${r.from}: ${recordLine(r)}\n`,
      );
      for (const line of traceLines(r)) process.stdout.write(`${line}\n`);
    }
  }
  return 0;
}

function readInput(path: string, what: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (e) {
    throw new CliUsageError(`${what} ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
}
