import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import test from 'ava';
import ts from 'typescript';
import { generate } from '../../generator/generate.js';
import { writeGenerated } from '../../generator/generated-files.js';
import { hooks } from '../../generator/hw/emit-module.js';
import { generateTlm } from '../../generator/hw/generate.js';
import type { HwArchitectureIR } from '../../generator/hw/model.js';
import { ROOT } from '../support/spec.js';
import { TempSpec } from '../support/temp-spec.js';

/**
 * The generated skeletons must compile under the project's tsconfig and be
 * usable: a consumer that implements every hook (built here from the spec, as
 * hwmodel/model would be written by hand) typechecks, binds and runs one
 * b_transport over every connection.
 */

/** A consumer of generated/tlm: one subclass per skeleton, each hook logging `<module>.<hook>[index]`. */
function consumerSource(arch: HwArchitectureIR, omit?: string): string {
  const classes = arch.modules.map((m) => {
    const methods = m.sockets.flatMap((s) =>
      hooks(s)
        .filter((h) => `${m.tsName}.${h.method}` !== omit)
        .map((h) => {
          const idx = s.multi === undefined ? '' : ', index: number';
          const tag = `\`${m.tsName}.${h.method}${s.multi === undefined ? '' : '[${index}]'}\``;
          return h.kind === 'b'
            ? `  protected override *${h.method}(_gp: GenericPayload, delay: Delay${idx}): Generator<Wait, void, void> { log.push(${tag}); delay.value += 1; }`
            : `  protected override ${h.method}(_gp: GenericPayload, _phase: PhaseRef, _delay: Delay${idx}): SyncEnum { log.push(${tag}); return 'TLM_COMPLETED'; }`;
        }),
    );
    return `class ${m.tsBase} extends tlm.${m.tsBase}Skeleton {\n${methods.join('\n')}\n}`;
  });
  return `import { Simulator, type Wait } from '../hwmodel/kernel/index.js';
import { type Delay, GenericPayload, InitiatorSocket, type PhaseRef, type SyncEnum } from '../hwmodel/tlm/index.js';
import * as tlm from './tlm/index.js';

const log: string[] = [];
${classes.join('\n')}

/** Builds and binds every module, then sends one b_transport over every blocking connection: initiator → the hook that ran. */
export function run(): string[] {
  const sim = new Simulator({ seed: 1 });
  const modules: tlm.ArchitectureModules = { ${arch.modules.map((m) => `${m.tsName}: new ${m.tsBase}(sim)`).join(', ')} };
  tlm.bindArchitecture(modules);
  const out: string[] = [];
  sim.thread('tb', function* () {
    for (const c of tlm.architectureConnections) {
      const protocol: string = c.protocol;
      if (protocol === 'non_blocking') continue;
      const field = (modules[c.from.module] as unknown as Record<string, unknown>)[c.from.socket];
      if (!(field instanceof InitiatorSocket)) throw new Error(\`\${c.from.module}.\${c.from.socket} is not an initiator\`);
      log.length = 0;
      yield* field.bTransport(new GenericPayload(), { value: 0 });
      out.push(\`\${c.from.module}.\${c.from.socket} → \${log.join(', ')}\`);
    }
  });
  sim.run();
  return out;
}
`;
}

/** A throwaway root holding generated/tlm (and a consumer), seeing the real hwmodel and runtime through symlinks. */
function tlmRoot(spec: TempSpec, files: ReadonlyMap<string, string>, consumer: string): string {
  for (const [path, text] of files) {
    if (!path.startsWith('generated/tlm/')) continue;
    mkdirSync(dirname(join(spec.root, path)), { recursive: true });
    writeFileSync(join(spec.root, path), text);
  }
  for (const d of ['hwmodel', 'runtime']) symlinkSync(join(ROOT, d), join(spec.root, d), 'dir');
  writeFileSync(join(spec.root, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(join(spec.root, 'generated/consumer.ts'), consumer);
  return join(spec.root, 'generated/consumer.ts');
}

/** tsc diagnostics for `entry` (and what it imports) under the project's compiler options. */
function typecheck(entry: string): string[] {
  const config = ts.readConfigFile(join(ROOT, 'tsconfig.json'), (p) => ts.sys.readFile(p));
  const options: ts.CompilerOptions = {
    ...ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT).options,
    noEmit: true,
    typeRoots: [join(ROOT, 'node_modules/@types')],
  };
  delete options.rootDir;
  delete options.outDir;
  const program = ts.createProgram([entry], options);
  return ts
    .getPreEmitDiagnostics(program)
    .map((d) => `${d.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}

const runConsumer = async (entry: string): Promise<string[]> =>
  ((await import(pathToFileURL(entry).href)) as { run(): string[] }).run();

test('spec/hw generates deterministically, and generated/tlm and generated/systemc on disk are what it produces', (t) => {
  const a = generateTlm(ROOT);
  const b = generateTlm(ROOT);
  t.deepEqual([...a.files], [...b.files]);
  const systemc = [...a.files.keys()].filter((p) => p.startsWith('generated/systemc/')).sort();
  t.deepEqual(systemc, [
    'generated/systemc/connection_manager.h',
    'generated/systemc/crypto_engine.h',
    'generated/systemc/dtls_offload.h',
    'generated/systemc/engine/main.cpp',
    'generated/systemc/engine/tables.h',
    'generated/systemc/handshake_engine.h',
    'generated/systemc/key_manager.h',
    'generated/systemc/main.cpp',
    'generated/systemc/memory.h',
    'generated/systemc/network_channel.h',
    'generated/systemc/record_layer.h',
  ]);
  t.deepEqual([...a.files.keys()].filter((p) => !p.startsWith('generated/systemc/')).sort(), [
    'generated/tlm/README.md',
    'generated/tlm/architecture.ts',
    'generated/tlm/connection-manager.ts',
    'generated/tlm/crypto-engine.ts',
    'generated/tlm/handshake-engine.ts',
    'generated/tlm/index.ts',
    'generated/tlm/key-manager.ts',
    'generated/tlm/memory.ts',
    'generated/tlm/network-channel.ts',
    'generated/tlm/platforms.ts',
    'generated/tlm/record-layer.ts',
  ]);
  for (const [path, text] of a.files) {
    t.is(readFileSync(join(ROOT, path), 'utf8'), text, path);
    t.regex(
      text,
      path.endsWith('.md')
        ? /^<!-- @generated by dtls13 generate from spec\/hw — DO NOT EDIT\. -->/
        : /^\/\/ @generated by dtls13 generate from (spec|generator)\/hw[^\n]* — DO NOT EDIT\.\n/,
    );
  }
  const readme = a.files.get('generated/tlm/README.md') ?? '';
  t.regex(readme, /\| network_channel \| `latency` \| time \| 50us \| 50_000_000 ps \|/);
  t.regex(readme, /\| record_layer\.crypto \| crypto_engine\.command\[0\] \| both \|/);
});

test('the real generated/tlm typechecks under the project tsconfig with a consumer implementing every hook, and runs', async (t) => {
  const spec = new TempSpec();
  t.teardown(() => spec.dispose());
  const { files, architecture } = generateTlm(spec.root);
  const entry = tlmRoot(spec, files, consumerSource(architecture));
  t.deepEqual(typecheck(entry), []);
  const out = await runConsumer(entry);
  t.is(out.length, architecture.connections.length);
  t.true(out.includes('recordLayer.crypto → cryptoEngine.bTransportCommand[0]'));
  t.true(out.includes('handshakeEngine.crypto → cryptoEngine.bTransportCommand[1]'));
  t.true(out.includes('cryptoEngine.dma → memory.bTransportPort[2]'));
});

test('a hook left unimplemented is a compile error naming it', (t) => {
  const spec = new TempSpec();
  t.teardown(() => spec.dispose());
  const { files, architecture } = generateTlm(spec.root);
  const entry = tlmRoot(spec, files, consumerSource(architecture, 'memory.bTransportPort'));
  const errors = typecheck(entry);
  t.is(errors.length, 1, errors.join('\n'));
  t.regex(
    errors[0] ?? '',
    /Non-abstract class 'Memory' does not implement inherited abstract member '?bTransportPort'? from class 'MemorySkeleton'/,
  );
});

test('adding a module and a connection to spec/hw and regenerating is enough: new skeleton, binding, and it compiles and runs', async (t) => {
  const spec = new TempSpec();
  t.teardown(() => spec.dispose());
  spec.write(
    'spec/hw/compression_engine.yaml',
    `module: compression_engine
description: Compresses application data before protection.
sockets:
  - name: command
    role: target
    protocol: blocking
    description: Compression requests from the record layer.
parameters:
  - name: throughput
    type: bandwidth
    default: 2.5Gbps
    description: Bytes compressed per second, as bits.
  - name: window
    type: size
    default: 32KiB
    description: History window.
`,
  );
  spec.edit(
    'spec/hw/record_layer.yaml',
    '  - name: keys\n',
    '  - name: compression\n    role: initiator\n    protocol: blocking\n    description: Compression of outgoing application data.\n  - name: keys\n',
  );
  spec.edit(
    'spec/hw/architecture.yaml',
    'external:\n',
    '  - from: record_layer.compression\n    to: compression_engine.command\nexternal:\n',
  );
  const result = await generate(spec.root);
  writeGenerated(spec.root, result);
  const skeleton = spec.read('generated/tlm/compression-engine.ts');
  t.regex(skeleton, /export abstract class CompressionEngineSkeleton extends Module/);
  t.regex(
    skeleton,
    /protected abstract bTransportCommand\(gp: GenericPayload, delay: Delay\): Generator<Wait, void, void>;/,
  );
  t.regex(
    skeleton,
    /export const compressionEngineDefaults: CompressionEngineParams = Object\.freeze\(\{ throughput: 2_500_000_000, window: 32_768 \}\);/,
  );
  const arch = spec.read('generated/tlm/architecture.ts');
  t.regex(arch, /readonly compressionEngine: CompressionEngineSkeleton;/);
  t.regex(arch, /modules\.recordLayer\.compression\.bind\(modules\.compressionEngine\.command\);/);
  t.regex(spec.read('generated/tlm/index.ts'), /export \* from '\.\/compression-engine\.js';/);
  t.regex(
    spec.read('generated/tlm/README.md'),
    /\| compression_engine \| compression-engine\.ts \| `CompressionEngineSkeleton` \|/,
  );

  const { architecture } = generateTlm(spec.root);
  const entry = tlmRoot(spec, new Map(), consumerSource(architecture));
  t.deepEqual(typecheck(entry), []);
  t.true((await runConsumer(entry)).includes('recordLayer.compression → compressionEngine.bTransportCommand'));
});

test('re-wiring a connection in spec/hw changes bindArchitecture and where transactions go', async (t) => {
  const spec = new TempSpec();
  t.teardown(() => spec.dispose());
  const before = generateTlm(spec.root).files.get('generated/tlm/architecture.ts') ?? '';
  spec.edit('spec/hw/architecture.yaml', 'to: memory.port[1]', 'to: memory.port[9]');
  spec.edit('spec/hw/architecture.yaml', 'to: memory.port[2]', 'to: memory.port[1]');
  spec.edit('spec/hw/architecture.yaml', 'to: memory.port[9]', 'to: memory.port[2]');
  const { files, architecture } = generateTlm(spec.root);
  const after = files.get('generated/tlm/architecture.ts') ?? '';
  t.regex(before, /modules\.keyManager\.memory\.bind\(modules\.memory\.port\[1\]\);/);
  t.regex(after, /modules\.keyManager\.memory\.bind\(modules\.memory\.port\[2\]\);/);
  t.regex(after, /modules\.cryptoEngine\.dma\.bind\(modules\.memory\.port\[1\]\);/);
  t.notRegex(after, /modules\.keyManager\.memory\.bind\(modules\.memory\.port\[1\]\);/);
  const entry = tlmRoot(spec, files, consumerSource(architecture));
  t.deepEqual(typecheck(entry), []);
  const out = await runConsumer(entry);
  t.true(out.includes('keyManager.memory → memory.bTransportPort[2]'));
  t.true(out.includes('cryptoEngine.dma → memory.bTransportPort[1]'));
});

test('edge shapes compile: a module without parameters, non-blocking-only sockets, a multi-socket of one, number parameters', (t) => {
  const spec = new TempSpec();
  t.teardown(() => spec.dispose());
  spec.write(
    'spec/hw/probe.yaml',
    `module: probe
description: A module looping a non-blocking transaction back to itself.
sockets:
  - name: tap
    role: target
    protocol: non_blocking
    multi: 1
    description: Where the loop arrives.
  - name: loop
    role: initiator
    protocol: non_blocking
    description: Sends into tap.
`,
  );
  spec.write(
    'spec/hw/gain.yaml',
    `module: gain
description: Has parameters but no sockets.
sockets: []
parameters:
  - name: factor
    type: number
    default: -1.5
    min: -2
    description: Any finite number within bounds.
  - name: drop
    type: ratio
    default: 0.5
    max: 0.75
    description: A bounded ratio.
`,
  );
  spec.edit('spec/hw/architecture.yaml', 'external:\n', '  - from: probe.loop\n    to: probe.tap[0]\nexternal:\n');
  const { files, architecture } = generateTlm(spec.root);
  const probe = files.get('generated/tlm/probe.ts') ?? '';
  t.regex(probe, /export interface ProbeParams \{\s*\}/);
  t.regex(
    probe,
    /protected abstract nbTransportFwTap\(gp: GenericPayload, phase: PhaseRef, delay: Delay, index: number\): SyncEnum;/,
  );
  t.regex(
    probe,
    /protected abstract nbTransportBwLoop\(gp: GenericPayload, phase: PhaseRef, delay: Delay\): SyncEnum;/,
  );
  t.notRegex(probe, /^import \{ ConfigError|abstract bTransport|Wait/m);
  t.regex(files.get('generated/tlm/gain.ts') ?? '', /!\(Number\.isFinite\(p\.factor\) && p\.factor >= -2\)/);
  const entry = tlmRoot(spec, files, consumerSource(architecture));
  t.deepEqual(typecheck(entry), []);
});
