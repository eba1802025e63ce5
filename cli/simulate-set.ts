/**
 * `--set module.param=value` and `--sweep module.param=v1,v2,…`: device
 * parameters from the command line, named and written as in spec/hw (snake
 * case, with units: `crypto_engine.clock_period=1ns`,
 * `memory.bandwidth=100Gbps`), checked against spec/hw's parameter kinds, so
 * a parameter changes without editing YAML or regenerating.
 */
import { ConfigError } from '../runtime/config-error.js';
import { architectureParameters } from '../generated/tlm/index.js';
import type { ParamKind } from '../generator/hw/model.js';
import { parseParamValue } from '../generator/hw/units.js';
import type { HostParams } from '../hwmodel/model/host.js';

/** One parameter setting. */
export interface ParamSetting {
  /** `crypto_engine.lanes`. */
  readonly path: string;
  /** The value as written. */
  readonly text: string;
  /** HostParams keys: `cryptoEngine`, `lanes`. */
  readonly module: string;
  readonly param: string;
  /** In the parameter's plain unit (ps, bit/s, bytes), or a flag. */
  readonly value: number | boolean;
}

/** The parameters spec/hw declares, by spec names (generated: no YAML read at run time). */
const PARAMETERS: Readonly<
  Record<
    string,
    {
      readonly module: string;
      readonly params: Readonly<Record<string, { readonly name: string; readonly kind: ParamKind }>>;
    }
  >
> = architectureParameters;

function lookup(path: string, option: string): { module: string; param: string; kind: ParamKind } {
  const [moduleId, paramId, ...rest] = path.split('.');
  const m = moduleId === undefined ? undefined : PARAMETERS[moduleId];
  if (m === undefined || paramId === undefined || rest.length > 0) {
    throw new ConfigError(option, `'${path}' is not module.parameter; modules: ${Object.keys(PARAMETERS).join(', ')}`);
  }
  const p = m.params[paramId];
  if (p === undefined)
    throw new ConfigError(
      option,
      `${moduleId} has no parameter '${paramId}'; it has ${Object.keys(m.params).join(', ')}`,
    );
  return { module: m.module, param: p.name, kind: p.kind };
}

function value(path: string, text: string, option: string): ParamSetting {
  const { module, param, kind } = lookup(path, option);
  const quantity = kind === 'time' || kind === 'bandwidth' || kind === 'size';
  // As YAML would read it: quantities stay text (they carry units), flags and numbers become values.
  const raw = quantity
    ? text
    : kind === 'flag'
      ? text === 'true'
        ? true
        : text === 'false'
          ? false
          : text
      : text.trim() !== '' && Number.isFinite(Number(text))
        ? Number(text)
        : text;
  const parsed = parseParamValue(kind, raw);
  if (!parsed.ok) throw new ConfigError(option, `${path}=${text}: ${parsed.reason}`);
  return { path, text, module, param, value: parsed.value };
}

/** Parses one `--set module.param=value`. */
export function parseSetting(arg: string, option = '--set'): ParamSetting {
  const eq = arg.indexOf('=');
  if (eq <= 0 || eq === arg.length - 1) throw new ConfigError(option, `'${arg}' is not module.parameter=value`);
  return value(arg.slice(0, eq), arg.slice(eq + 1), option);
}

/** Parses `--sweep module.param=v1,v2,…` into one setting per value (at least two). */
export function parseSweep(
  arg: string,
  option = '--sweep',
): { readonly path: string; readonly settings: readonly ParamSetting[] } {
  const eq = arg.indexOf('=');
  if (eq <= 0) throw new ConfigError(option, `'${arg}' is not module.parameter=v1,v2,…`);
  const path = arg.slice(0, eq);
  const texts = arg
    .slice(eq + 1)
    .split(',')
    .map((s) => s.trim());
  if (texts.length < 2 || texts.some((t) => t === ''))
    throw new ConfigError(option, `${path} needs two or more comma-separated values, got '${arg.slice(eq + 1)}'`);
  return { path, settings: texts.map((t) => value(path, t, option)) };
}

/** The device parameters of a list of settings (later ones win). */
export function hostParams(settings: readonly ParamSetting[]): HostParams {
  const out: Record<string, Record<string, number | boolean>> = {};
  for (const s of settings) (out[s.module] ??= {})[s.param] = s.value;
  return out as HostParams;
}
