/** What `dtls13 learn`'s options ask for, checked: CliUsageError naming what is wrong. */
import { loadCertificates, loadPrivateKey, hostPort } from './pem-files.js';
import type { OptionValues } from './option-table.js';
import { stringValue } from './option-table.js';
import { DEFAULT_PSK_IDENTITY } from './session-options.js';
import { CliUsageError } from './usage-error.js';
import { inspectPort } from './inspect-option.js';
import { restrictInputs, type SystemUnderLearning } from '../learn/sul.js';
import {
  isPeerRetransmissions,
  PEER_RETRANSMISSIONS_TEXT,
  type PeerRetransmissions,
} from '../learn/mapper/repeated-flights.js';

function count(option: string, value: string | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw new CliUsageError(`--${option} must be a whole number >= ${min}, got '${value}'`);
  return n;
}

function hexKey(text: string): Uint8Array {
  if (!/^([0-9a-fA-F]{2}){16,}$/.test(text.trim()))
    throw new CliUsageError(`--psk: at least 16 bytes in hex, got '${text}'`);
  return Uint8Array.from(text.trim().match(/../g) ?? [], (h) => parseInt(h, 16));
}

/** What the options ask for. */
export interface LearnPlan {
  readonly target:
    | { readonly role: 'server'; readonly host: string; readonly port: number; readonly serverCommand?: string }
    | {
        readonly role: 'client';
        readonly host: string;
        readonly port: number;
        /** `--client-command`, or undefined for `--own-client` (dtls13's own client hosted here, trusting `--ca`). */
        readonly clientCommand: string | undefined;
      }
    | { readonly role: 'replay'; readonly path: string };
  readonly version: '1.2' | '1.3';
  readonly credentials: {
    ca?: Uint8Array[];
    cert?: Uint8Array[];
    key?: Uint8Array;
    psk?: Uint8Array;
    pskIdentity?: string;
  };
  /** `--inputs`: the alphabet to learn with, when not the mapper's whole one. */
  readonly inputs: readonly string[] | undefined;
  readonly parallel: number;
  /** `--start`: a saved report whose model chooses the first words to ask (learner/start-model.ts). */
  readonly start: string | undefined;
  readonly seed: number;
  readonly budget: number;
  /** `--extra-states`: the conformance test's k, or null for random tests only. */
  readonly extraStates: number | null;
  /** `--edits`: the edit distance of the neighbourhood test, or null for none. */
  readonly edits: number | null;
  readonly maxQueries: number | undefined;
  /** `--max-flipping`: the most places that keep flipping before learning stops (the peer does not converge). */
  readonly maxFlipping: number;
  /** `--max-time`: seconds until learning stops with the newest hypothesis. */
  readonly maxSeconds: number | undefined;
  readonly waitMs: number | undefined;
  /** `--peer-retransmissions`: whether a DTLS 1.2 peer's repeated flight shows its ChangeCipherSpec. */
  readonly peerRetransmissions: PeerRetransmissions;
  readonly out: string | undefined;
  readonly dot: string | undefined;
  readonly reference: string | undefined;
  readonly inspect: number | undefined;
  readonly quiet: boolean;
}

export function learnPlan(v: OptionValues): LearnPlan {
  const connect = stringValue(v.connect);
  const listen = stringValue(v.listen);
  const command = stringValue(v['client-command']);
  const replay = stringValue(v.replay);
  const serverCommand = stringValue(v['server-command']);
  const own = v['own-client'] === true;
  if (own && command !== undefined)
    throw new CliUsageError("--own-client learns dtls13's own client: leave out --client-command");
  if (own && listen === undefined) throw new CliUsageError('--own-client goes with --listen (learning a client)');
  if (own && stringValue(v.ca) === undefined)
    throw new CliUsageError('--own-client needs --ca: the trust anchor of our client for the --cert we present');
  if ([connect, listen, replay, serverCommand].filter((x) => x !== undefined).length !== 1)
    throw new CliUsageError(
      "learn needs one of --connect HOST:PORT (a server), --server-command 'CMD {port}' (a server started per session), --listen HOST:PORT --client-command CMD (a client) or --replay FILE.json",
    );
  if (serverCommand !== undefined && !serverCommand.includes('{port}'))
    throw new CliUsageError("--server-command must contain '{port}', where the session's port goes");
  if (serverCommand !== undefined && command !== undefined)
    throw new CliUsageError('--client-command goes with --listen (learning a client), not --server-command');
  if (listen !== undefined && command === undefined && !own)
    throw new CliUsageError(
      "--listen needs --client-command 'CMD {port}' (the client to start for each query) or --own-client",
    );
  if (connect !== undefined && command !== undefined)
    throw new CliUsageError('--client-command goes with --listen (learning a client), not --connect');
  if (command !== undefined && !command.includes('{port}'))
    throw new CliUsageError("--client-command must contain '{port}', where the session's port goes");
  if (v.dtls1_2 === true && v.dtls1_3 === true)
    throw new CliUsageError('-dtls1_2 and -dtls1_3 each name the one version to learn: give one');
  const certPath = stringValue(v.cert);
  const keyPath = stringValue(v.key);
  if ((certPath === undefined) !== (keyPath === undefined)) throw new CliUsageError('--cert and --key go together');
  const psk = stringValue(v.psk);
  const identity = stringValue(v['psk-identity']);
  if (identity !== undefined && psk === undefined) throw new CliUsageError('--psk-identity needs --psk');
  const caPath = stringValue(v.ca);
  const reference = stringValue(v.reference);
  if (reference === 'self' && replay !== undefined)
    throw new CliUsageError('--reference self learns our own peer beside a live one, not beside --replay');
  if (reference === 'self' && listen !== undefined && certPath === undefined)
    throw new CliUsageError(
      '--reference self, learning a client, needs --cert and --key: our own client trusts the certificate we present',
    );
  const target =
    replay !== undefined
      ? { role: 'replay' as const, path: replay }
      : serverCommand !== undefined
        ? { role: 'server' as const, host: '127.0.0.1', port: 0, serverCommand }
        : connect !== undefined
          ? { role: 'server' as const, ...hostPort('--connect', connect, '127.0.0.1', 1) }
          : { role: 'client' as const, ...hostPort('--listen', listen!, '127.0.0.1', 0), clientCommand: command };
  const inputs = stringValue(v.inputs)
    ?.split(',')
    .map((i) => i.trim())
    .filter((i) => i !== '');
  if (inputs !== undefined && inputs.length === 0) throw new CliUsageError('--inputs names no input');
  const wait = stringValue(v.wait);
  const maxQueries = stringValue(v['max-queries']);
  const maxTime = stringValue(v['max-time']);
  const retransmissions = stringValue(v['peer-retransmissions']) ?? 'show';
  if (!isPeerRetransmissions(retransmissions))
    throw new CliUsageError(`--peer-retransmissions must be ${PEER_RETRANSMISSIONS_TEXT}, got '${retransmissions}'`);
  if (retransmissions === 'hide' && replay !== undefined)
    throw new CliUsageError('--peer-retransmissions is what the mapper reads from a peer: --replay has none');
  return {
    target,
    version: v.dtls1_2 === true ? '1.2' : '1.3',
    credentials: {
      ...(caPath !== undefined ? { ca: loadCertificates('--ca', caPath) } : {}),
      ...(certPath !== undefined
        ? { cert: loadCertificates('--cert', certPath), key: loadPrivateKey('--key', keyPath!) }
        : {}),
      ...(psk !== undefined ? { psk: hexKey(psk), pskIdentity: identity ?? DEFAULT_PSK_IDENTITY } : {}),
    },
    inputs,
    parallel: count('parallel', stringValue(v.parallel), 4, 1),
    start: stringValue(v.start),
    seed: count('seed', stringValue(v.seed), 1, 0),
    budget: count('budget', stringValue(v.budget), 1000, 0),
    extraStates: v['extra-states'] === 'none' ? null : count('extra-states', stringValue(v['extra-states']), 1, 0),
    edits: v.edits === 'none' ? null : count('edits', stringValue(v.edits), 1, 0),
    maxQueries: maxQueries === undefined ? undefined : count('max-queries', maxQueries, 0, 1),
    maxFlipping: v['max-flipping'] === 'none' ? Infinity : count('max-flipping', stringValue(v['max-flipping']), 3, 0),
    maxSeconds: maxTime === undefined ? undefined : count('max-time', maxTime, 0, 1),
    waitMs: wait === undefined ? undefined : count('wait', wait, 0, 1),
    peerRetransmissions: retransmissions,
    out: stringValue(v.out),
    dot: stringValue(v.dot),
    reference,
    inspect: inspectPort(v.inspect),
    quiet: v.quiet === true,
  };
}

/** The SUL cut down to `--inputs`, when given: CliUsageError naming an input the mapper does not have. */
export async function withPlanInputs(
  plan: LearnPlan,
  opened: Promise<SystemUnderLearning>,
): Promise<SystemUnderLearning> {
  const sul = await opened;
  if (plan.inputs === undefined) return sul;
  try {
    return restrictInputs(sul, plan.inputs);
  } catch (e) {
    await sul.close();
    throw new CliUsageError(`--inputs: ${e instanceof Error ? e.message : String(e)}`);
  }
}
