import { StructureKind, VariableDeclarationKind, type StatementStructures } from 'ts-morph';
import { camelCase } from '../ir/names.js';
import { fileName, skeletonName } from './emit-module.js';
import { endpointText, type HwArchitectureIR, type HwEndpointIR } from './model.js';
import { docText, lit, printTs, type ImportName } from './print.js';

/** An endpoint in TypeScript terms: the module key and socket field (camelCase), plus the binding index of a multi-socket. */
function endpointLiteral(e: HwEndpointIR): string {
  return `{ module: ${lit(camelCase(e.module))}, socket: ${lit(camelCase(e.socket))}${e.index === undefined ? '' : `, index: ${e.index}`} }`;
}

/** `modules.recordLayer.crypto` or `modules.cryptoEngine.command[0]`. */
function socketExpr(e: HwEndpointIR): string {
  return `modules.${camelCase(e.module)}.${camelCase(e.socket)}${e.index === undefined ? '' : `[${e.index}]`}`;
}

function statements(arch: HwArchitectureIR): StatementStructures[] {
  const desc = (d: string | undefined): string => (d === undefined ? '' : `, description: ${lit(d)}`);
  return [
    {
      kind: StructureKind.Interface,
      name: 'ArchitectureEndpoint',
      isExported: true,
      docs: [
        'One end of a binding: a module key of `ArchitectureModules`, a socket field, and for a multi-socket the binding index.',
      ],
      properties: [
        { name: 'module', isReadonly: true, type: 'keyof ArchitectureModules' },
        { name: 'socket', isReadonly: true, type: 'string' },
        { name: 'index', isReadonly: true, hasQuestionToken: true, type: 'number' },
      ],
    },
    {
      kind: StructureKind.Interface,
      name: 'ArchitectureModules',
      isExported: true,
      docs: [
        docText(
          `One instance of every module of ${arch.name} (${arch.path}), keyed by module: what \`bindArchitecture\` wires.`,
        ),
      ],
      properties: arch.modules.map((m) => ({ name: m.tsName, isReadonly: true, type: skeletonName(m) })),
    },
    {
      kind: StructureKind.VariableStatement,
      isExported: true,
      declarationKind: VariableDeclarationKind.Const,
      docs: [docText(`The architecture's name and description as written in ${arch.path}.`)],
      declarations: [
        {
          name: 'architecture',
          initializer: `{ name: ${lit(arch.name)}, description: ${lit(arch.description)} } as const`,
        },
      ],
    },
    {
      kind: StructureKind.VariableStatement,
      isExported: true,
      declarationKind: VariableDeclarationKind.Const,
      docs: ['Every module: its key in `ArchitectureModules`, its spec id and file, and its skeleton class name.'],
      declarations: [
        {
          name: 'architectureModules',
          initializer: `[\n${arch.modules.map((m) => `{ key: ${lit(m.tsName)}, id: ${lit(m.id)}, spec: ${lit(m.path)}, skeleton: ${lit(skeletonName(m))} },`).join('\n')}\n] as const`,
        },
      ],
    },
    {
      kind: StructureKind.VariableStatement,
      isExported: true,
      declarationKind: VariableDeclarationKind.Const,
      docs: [
        'Every binding, initiator (`from`) to target (`to`), in spec order, with the protocol the initiator uses.',
      ],
      declarations: [
        {
          name: 'architectureConnections',
          initializer: `[\n${arch.connections.map((c) => `{ from: ${endpointLiteral(c.from)}, to: ${endpointLiteral(c.to)}, protocol: ${lit(c.protocol)}${desc(c.description)} },`).join('\n')}\n] as const satisfies readonly { readonly from: ArchitectureEndpoint; readonly to: ArchitectureEndpoint; readonly protocol: 'blocking' | 'non_blocking' | 'both'; readonly description?: string }[]`,
        },
      ],
    },
    {
      kind: StructureKind.VariableStatement,
      isExported: true,
      declarationKind: VariableDeclarationKind.Const,
      docs: ['Sockets the architecture leaves to the testbench: `bindArchitecture` does not bind them.'],
      declarations: [
        {
          name: 'architectureExternals',
          initializer: `[\n${arch.externals.map((e) => `{ socket: ${endpointLiteral(e.endpoint)}, role: ${lit(e.role)}, protocol: ${lit(e.protocol)}${desc(e.description)} },`).join('\n')}\n] as const satisfies readonly { readonly socket: ArchitectureEndpoint; readonly role: 'initiator' | 'target'; readonly protocol: 'blocking' | 'non_blocking' | 'both'; readonly description: string }[]`,
        },
      ],
    },
    {
      kind: StructureKind.VariableStatement,
      isExported: true,
      declarationKind: VariableDeclarationKind.Const,
      docs: [
        'Every module parameter by its spec names (`crypto_engine.clock_period`): the TypeScript names the skeletons take and the kind that says how a value is written (for `dtls13 simulate --set`).',
      ],
      declarations: [
        {
          name: 'architectureParameters',
          initializer: `{\n${arch.modules
            .map(
              (m) =>
                `${m.id}: { module: ${lit(m.tsName)}, params: { ${m.params.map((p) => `${p.id}: { name: ${lit(p.tsName)}, kind: ${lit(p.kind)} }`).join(', ')} } },`,
            )
            .join(
              '\n',
            )}\n} as const satisfies Readonly<Record<string, { readonly module: string; readonly params: Readonly<Record<string, { readonly name: string; readonly kind: 'time' | 'bandwidth' | 'size' | 'count' | 'ratio' | 'number' | 'flag' }>> }>>`,
        },
      ],
    },
    {
      kind: StructureKind.Function,
      name: 'bindArchitecture',
      isExported: true,
      docs: [
        docText(
          `Binds every connection of ${arch.path} (initiator.bind(target)); external sockets are left to the caller.`,
        ),
      ],
      parameters: [{ name: 'modules', type: 'ArchitectureModules' }],
      returnType: 'void',
      statements: arch.connections.map(
        (c) => `${socketExpr(c.from)}.bind(${socketExpr(c.to)}); // ${endpointText(c.from)} → ${endpointText(c.to)}`,
      ),
    },
  ];
}

/** generated/tlm/architecture.ts: the module list, the connection table and bindArchitecture. */
export function architectureFile(arch: HwArchitectureIR): string {
  const imports = new Map<string, ImportName[]>(
    arch.modules.map((m) => [`./${fileName(m)}.js`, [{ name: skeletonName(m), type: true }]]),
  );
  return printTs(
    'generated/tlm/architecture.ts',
    arch.path,
    docText(`The wiring of ${arch.name}: ${arch.description}`),
    imports,
    statements(arch),
  );
}
