import {
  Scope,
  StructureKind,
  VariableDeclarationKind,
  type ClassDeclarationStructure,
  type MethodDeclarationStructure,
  type OptionalKind,
  type ParameterDeclarationStructure,
  type StatementStructures,
} from 'ts-morph';
import { pascalCase } from '../ir/names.js';
import { endpointText, type HwArchitectureIR, type HwModuleIR, type HwParamIR, type HwSocketIR } from './model.js';
import { docText, lit, printTs, type ImportName } from './print.js';
import { plainUnit } from './units.js';

/** Where generated/tlm/ finds the hwmodel and runtime pieces it builds on. */
export const IMPORTS = {
  kernel: '../../hwmodel/kernel/index.js',
  tlm: '../../hwmodel/tlm/index.js',
  config: '../../runtime/config-error.js',
} as const;

/** `crypto_engine` → `crypto-engine` (the generated file's name without `.ts`). */
export const fileName = (m: HwModuleIR): string => m.id.replace(/_/g, '-');
/** `CryptoEngineSkeleton`. */
export const skeletonName = (m: HwModuleIR): string => `${m.tsBase}Skeleton`;

/** A number as a TypeScript literal, with digit separators from 10 000 up. */
export function numberLiteral(n: number): string {
  return Number.isInteger(n) && Math.abs(n) >= 10_000 ? String(n).replace(/\B(?=(\d{3})+(?!\d))/g, '_') : String(n);
}

const tsType = (p: HwParamIR): string => (p.kind === 'time' ? 'SimTime' : p.kind === 'flag' ? 'boolean' : 'number');

function paramDoc(p: HwParamIR): string {
  const unit = plainUnit(p.kind);
  const dflt =
    unit === undefined || p.written === String(p.value)
      ? `Default ${p.written}.`
      : `Default ${p.written} = ${numberLiteral(p.value as number)} ${unit}.`;
  return docText(`${p.description} ${unit === undefined ? `(${p.kind})` : `In ${unit}.`} ${dflt}`);
}

/** The runtime check of one parameter: the failing condition and what it must be. */
function check(p: HwParamIR): { readonly fails: string; readonly must: string } {
  const v = `p.${p.tsName}`;
  const unit = plainUnit(p.kind);
  switch (p.kind) {
    case 'flag':
      return { fails: `typeof ${v} !== 'boolean'`, must: 'must be a boolean' };
    case 'ratio': {
      const [lo, hi] = [p.min ?? 0, p.max ?? 1];
      return { fails: `!(${v} >= ${lo} && ${v} <= ${hi})`, must: `must be a ratio in ${lo}..${hi}` };
    }
    case 'number': {
      const conds = [
        `Number.isFinite(${v})`,
        ...(p.min === undefined ? [] : [`${v} >= ${p.min}`]),
        ...(p.max === undefined ? [] : [`${v} <= ${p.max}`]),
      ];
      const range = p.min === undefined && p.max === undefined ? 'finite' : `in ${p.min ?? '-∞'}..${p.max ?? '∞'}`;
      return { fails: `!(${conds.join(' && ')})`, must: `must be a number ${range}` };
    }
    default: {
      const lo = p.min ?? (p.kind === 'bandwidth' ? 1 : 0);
      const conds = [
        `!Number.isSafeInteger(${v})`,
        `${v} < ${numberLiteral(lo)}`,
        ...(p.max === undefined ? [] : [`${v} > ${numberLiteral(p.max)}`]),
      ];
      const range = p.max === undefined ? `>= ${lo}` : `in ${lo}..${p.max}`;
      return {
        fails: conds.join(' || '),
        must: `must be an integer${unit === undefined ? '' : ` number of ${unit}`} ${range}`,
      };
    }
  }
}

/** Who each socket binding is connected to (or that the testbench binds it), for TSDoc. */
function peers(arch: HwArchitectureIR, m: HwModuleIR): ReadonlyMap<string, string> {
  const out = new Map<string, string>();
  for (const c of arch.connections) {
    if (c.from.module === m.id) out.set(endpointText(c.from), `bound to ${endpointText(c.to)}`);
    if (c.to.module === m.id) out.set(endpointText(c.to), `bound from ${endpointText(c.from)}`);
  }
  for (const e of arch.externals)
    if (e.endpoint.module === m.id) out.set(endpointText(e.endpoint), 'external: bound by the testbench');
  return out;
}

function socketDoc(arch: HwArchitectureIR, m: HwModuleIR, s: HwSocketIR): string {
  const p = peers(arch, m);
  const bindings =
    s.multi === undefined
      ? (p.get(`${m.id}.${s.id}`) ?? '')
      : Array.from({ length: s.multi }, (_, i) => `[${i}] ${p.get(`${m.id}.${s.id}[${i}]`) ?? ''}`).join('; ');
  return docText(
    `${s.description} (${s.role}, ${s.protocol.replace('_', '-')}${s.multi === undefined ? '' : `, ${s.multi} bindings`}; ${bindings})`,
  );
}

/** The abstract hooks a socket needs: b_transport / nb_transport_fw for targets, nb_transport_bw for non-blocking initiators. */
export function hooks(
  s: HwSocketIR,
): { readonly method: string; readonly register: string; readonly kind: 'b' | 'nbFw' | 'nbBw' }[] {
  const base = pascalCase(s.id);
  const blocking = s.protocol !== 'non_blocking';
  const nb = s.protocol !== 'blocking';
  if (s.role === 'target') {
    return [
      ...(blocking ? [{ method: `bTransport${base}`, register: 'registerBTransport', kind: 'b' as const }] : []),
      ...(nb ? [{ method: `nbTransportFw${base}`, register: 'registerNbTransportFw', kind: 'nbFw' as const }] : []),
    ];
  }
  return nb ? [{ method: `nbTransportBw${base}`, register: 'registerNbTransportBw', kind: 'nbBw' as const }] : [];
}

/**
 * The optional hook of a blocking target: its b_transport path without a generator (`BTransportNowFn`), a method
 * that declines every call unless the behaviour overrides it for calls that need not wait before their end.
 */
export function nowHooks(
  s: HwSocketIR,
): { readonly method: string; readonly register: string; readonly kind: 'bNow' }[] {
  if (s.role !== 'target' || s.protocol === 'non_blocking') return [];
  return [{ method: `bTransportNow${pascalCase(s.id)}`, register: 'registerBTransportNow', kind: 'bNow' }];
}

/** Every hook of a socket, abstract or optional. */
function allHooks(
  s: HwSocketIR,
): { readonly method: string; readonly register: string; readonly kind: 'b' | 'bNow' | 'nbFw' | 'nbBw' }[] {
  return [...hooks(s), ...nowHooks(s)];
}

function hookMethod(s: HwSocketIR, h: ReturnType<typeof allHooks>[number]): OptionalKind<MethodDeclarationStructure> {
  const now = h.kind === 'bNow';
  const blocking = h.kind === 'b' || now;
  const params: OptionalKind<ParameterDeclarationStructure>[] = [
    { name: now ? '_gp' : 'gp', type: 'GenericPayload' },
    ...(blocking ? [] : [{ name: 'phase', type: 'PhaseRef' }]),
    { name: now ? '_delay' : 'delay', type: 'Delay' },
    ...(s.multi === undefined ? [] : [{ name: now ? '_index' : 'index', type: 'number' }]),
  ];
  const what = {
    b: 'b_transport (blocking transport)',
    bNow: 'b_transport without a generator (`BTransportNowFn`)',
    nbFw: 'nb_transport_fw (non-blocking forward path)',
    nbBw: 'nb_transport_bw (non-blocking backward path)',
  }[h.kind];
  const which = s.multi === undefined ? '' : ' `index` is the binding the call came through.';
  const declines = now
    ? ` Returns true when the call completed at once, the time left to wait added to \`delay.value\`; false, having done nothing, sends the initiator to \`bTransport${pascalCase(s.id)}\`. This default declines every call; override it where a call need not wait before the end of its work.`
    : '';
  return {
    name: h.method,
    scope: Scope.Protected,
    ...(now ? { statements: ['return false;'] } : { isAbstract: true }),
    parameters: params,
    returnType: blocking ? (now ? 'boolean' : 'Generator<Wait, void, void>') : 'SyncEnum',
    docs: [docText(`${what} of the \`${s.tsName}\` socket: ${s.description}${which}${declines}`)],
  };
}

function socketInit(s: HwSocketIR): string {
  const cls = s.role === 'initiator' ? 'InitiatorSocket' : 'TargetSocket';
  if (s.multi === undefined) return `this.${s.tsName} = new ${cls}(this, ${lit(s.tsName)});`;
  const items = Array.from({ length: s.multi }, (_, i) => `new ${cls}(this, ${lit(`${s.tsName}[${i}]`)})`);
  return `this.${s.tsName} = [${items.join(', ')}];`;
}

function registrations(s: HwSocketIR): string[] {
  return allHooks(s).flatMap((h) => {
    const args = h.kind === 'b' || h.kind === 'bNow' ? 'gp, delay' : 'gp, phase, delay';
    if (s.multi === undefined) return [`this.${s.tsName}.${h.register}((${args}) => this.${h.method}(${args}));`];
    return Array.from(
      { length: s.multi },
      (_, i) => `this.${s.tsName}[${i}].${h.register}((${args}) => this.${h.method}(${args}, ${i}));`,
    );
  });
}

function skeletonClass(arch: HwArchitectureIR, m: HwModuleIR): ClassDeclarationStructure {
  const b = m.tsBase;
  const socketType = (s: HwSocketIR): string => {
    const cls = s.role === 'initiator' ? 'InitiatorSocket' : 'TargetSocket';
    return s.multi === undefined ? cls : `readonly [${Array.from({ length: s.multi }, () => cls).join(', ')}]`;
  };
  return {
    kind: StructureKind.Class,
    name: skeletonName(m),
    isExported: true,
    isAbstract: true,
    extends: 'Module',
    docs: [
      docText(
        `${m.description}\n\nGenerated from ${m.path}: sockets, typed parameters and one abstract hook per transport the sockets receive (and a b_transport path without a generator, declining unless overridden). ` +
          'Handwritten behaviour (hwmodel/model/) extends it; `bindArchitecture` wires the instances.',
      ),
    ],
    properties: [
      ...m.sockets.map((s) => ({
        name: s.tsName,
        isReadonly: true,
        type: socketType(s),
        docs: [socketDoc(arch, m, s)],
      })),
      {
        name: 'params',
        isReadonly: true,
        type: `${b}Params`,
        docs: [`The spec's defaults (\`${m.tsName}Defaults\`) overridden by the constructor's \`params\`.`],
      },
    ],
    ctors: [
      {
        docs: [
          `@param name - instance name, \`${m.tsName}\` unless given\n@param params - overrides of \`${m.tsName}Defaults\`, checked (a ConfigError names a bad one)\n@param parent - the enclosing module, if any`,
        ],
        parameters: [
          { name: 'sim', type: 'Simulator' },
          { name: 'name', initializer: lit(m.tsName) },
          { name: 'params', type: `Partial<${b}Params>`, initializer: '{}' },
          { name: 'parent', type: 'Module', hasQuestionToken: true },
        ],
        statements: [
          'super(sim, name, parent);',
          `this.params = check${b}Params({ ...${m.tsName}Defaults, ...params }, this.fullName);`,
          ...m.sockets.map(socketInit),
          ...m.sockets.flatMap(registrations),
        ],
      },
    ],
    methods: m.sockets.flatMap((s) => allHooks(s).map((h) => hookMethod(s, h))),
  };
}

function paramStatements(m: HwModuleIR): StatementStructures[] {
  const b = m.tsBase;
  const checks = m.params.map((p) => {
    const c = check(p);
    return `if (${c.fails}) throw new ConfigError(\`\${where}.${p.tsName}\`, \`${c.must}, got \${String(p.${p.tsName})}\`);`;
  });
  return [
    {
      kind: StructureKind.Interface,
      name: `${b}Params`,
      isExported: true,
      docs: [
        `The parameters of ${m.id} (${m.path}), in plain units: times in ps (SimTime), bandwidths in bit/s, sizes in bytes.`,
      ],
      properties: m.params.map((p) => ({ name: p.tsName, isReadonly: true, type: tsType(p), docs: [paramDoc(p)] })),
    },
    {
      kind: StructureKind.VariableStatement,
      isExported: true,
      declarationKind: VariableDeclarationKind.Const,
      docs: [`The defaults of ${m.id} as written in ${m.path}, parsed to plain units.`],
      declarations: [
        {
          name: `${m.tsName}Defaults`,
          type: `${b}Params`,
          initializer: `Object.freeze({ ${m.params.map((p) => `${p.tsName}: ${typeof p.value === 'boolean' ? String(p.value) : numberLiteral(p.value)}`).join(', ')} })`,
        },
      ],
    },
    {
      kind: StructureKind.Function,
      name: `check${b}Params`,
      isExported: true,
      docs: [`Returns \`p\` when every parameter is in range; else throws ConfigError naming \`<where>.<parameter>\`.`],
      parameters: [
        { name: 'p', type: `${b}Params` },
        { name: 'where', type: 'string' },
      ],
      returnType: `${b}Params`,
      statements: [...checks, 'return p;'],
    },
  ];
}

function moduleImports(m: HwModuleIR): Map<string, ImportName[]> {
  const all = m.sockets.flatMap(hooks);
  const kernel: ImportName[] = [{ name: 'Simulator', type: true }];
  if (m.params.some((p) => p.kind === 'time')) kernel.push({ name: 'SimTime', type: true });
  if (all.some((h) => h.kind === 'b')) kernel.push({ name: 'Wait', type: true });
  const tlm: ImportName[] = [{ name: 'Module' }];
  if (m.sockets.some((s) => s.role === 'initiator')) tlm.push({ name: 'InitiatorSocket' });
  if (m.sockets.some((s) => s.role === 'target')) tlm.push({ name: 'TargetSocket' });
  if (all.length > 0) tlm.push({ name: 'GenericPayload', type: true }, { name: 'Delay', type: true });
  if (all.some((h) => h.kind === 'nbFw' || h.kind === 'nbBw'))
    tlm.push({ name: 'PhaseRef', type: true }, { name: 'SyncEnum', type: true });
  return new Map([
    [IMPORTS.config, m.params.length > 0 ? [{ name: 'ConfigError' }] : []],
    [IMPORTS.kernel, kernel],
    [IMPORTS.tlm, tlm],
  ]);
}

/** generated/tlm/<module>.ts: the parameters, their defaults and check, and the skeleton class. */
export function moduleFile(arch: HwArchitectureIR, m: HwModuleIR): string {
  const path = `generated/tlm/${fileName(m)}.ts`;
  return printTs(path, m.path, docText(`TLM-2.0 skeleton of ${m.id}: ${m.description}`), moduleImports(m), [
    ...paramStatements(m),
    skeletonClass(arch, m),
  ]);
}
