import { rmSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { generate } from '../../generator/generate.js';
import { HwSpecError, type HwSpecProblem } from '../../generator/hw/error.js';
import { generateTlm } from '../../generator/hw/generate.js';
import { SchemaError } from '../../generator/schema-error.js';
import { TempSpec } from '../support/temp-spec.js';

/** One broken spec: the edit, then the file, YAML path, problem and reason the error must name. */
interface Case {
  readonly title: string;
  readonly edit: (spec: TempSpec) => void;
  readonly file: string;
  readonly yamlPath: string;
  readonly problem: HwSpecProblem;
  readonly reason: RegExp;
}

const ARCH = 'spec/hw/architecture.yaml';
const edit = (file: string, from: string | RegExp, to: string) => (spec: TempSpec) => spec.edit(file, from, to);

const cases: readonly Case[] = [
  {
    title: 'unknown module in a connection',
    edit: edit(ARCH, 'to: record_layer.datagrams', 'to: record_layr.datagrams'),
    file: ARCH,
    yamlPath: 'connections[2].to',
    problem: 'unknown_module',
    reason: /unknown module 'record_layr'/,
  },
  {
    title: 'unknown socket in a connection',
    edit: edit(ARCH, 'from: record_layer.keys', 'from: record_layer.key'),
    file: ARCH,
    yamlPath: 'connections[8].from',
    problem: 'unknown_socket',
    reason: /module 'record_layer' has no socket 'key' \(sockets: datagrams, transmit/,
  },
  {
    title: 'socket role mismatch (a connection from a target)',
    edit: edit(
      ARCH,
      'from: network_channel.device_rx\n    to: connection_manager.network_rx',
      'from: connection_manager.network_rx\n    to: network_channel.device_rx',
    ),
    file: ARCH,
    yamlPath: 'connections[0].from',
    problem: 'role_mismatch',
    reason: /'connection_manager\.network_rx' is a target socket/,
  },
  {
    title: 'protocol mismatch (a non-blocking initiator on a blocking-only target)',
    edit: edit('spec/hw/crypto_engine.yaml', 'protocol: both', 'protocol: blocking'),
    file: ARCH,
    yamlPath: 'connections[6]',
    problem: 'protocol_mismatch',
    reason:
      /initiator 'record_layer\.crypto' uses both transport but target 'crypto_engine\.command\[0\]' offers only blocking/,
  },
  {
    title: 'unbound target (an external dropped)',
    edit: edit(ARCH, / {2}- socket: record_layer\.host\n.*\n/, ''),
    file: ARCH,
    yamlPath: 'connections',
    problem: 'unbound',
    reason: /target socket 'record_layer\.host' \(spec\/hw\/record_layer\.yaml sockets\[2\]\) is unbound/,
  },
  {
    title: 'unbound initiator (a connection dropped)',
    edit: edit(ARCH, '  - from: crypto_engine.dma\n    to: memory.port[2]\n', ''),
    file: ARCH,
    yamlPath: 'connections',
    problem: 'unbound',
    reason: /initiator socket 'crypto_engine\.dma' .* is unbound/,
  },
  {
    title: 'a binding used twice',
    edit: edit(ARCH, 'to: memory.port[1]', 'to: memory.port[0]'),
    file: ARCH,
    yamlPath: 'connections[11].to',
    problem: 'already_bound',
    reason: /'memory\.port\[0\]' is already bound at connections\[10\]\.to/,
  },
  {
    title: 'multi-socket index out of range',
    edit: edit(ARCH, 'to: memory.port[2]', 'to: memory.port[3]'),
    file: ARCH,
    yamlPath: 'connections[12].to',
    problem: 'bad_index',
    reason: /index 3 is out of range, 'memory\.port' has 3 bindings/,
  },
  {
    title: 'multi-socket without an index',
    edit: edit(ARCH, 'to: key_manager.requests[0]', 'to: key_manager.requests'),
    file: ARCH,
    yamlPath: 'connections[8].to',
    problem: 'bad_index',
    reason: /multi-socket with 2 bindings: name one/,
  },
  {
    title: 'duplicate socket name',
    edit: edit('spec/hw/network_channel.yaml', 'name: peer_rx', 'name: device_rx'),
    file: 'spec/hw/network_channel.yaml',
    yamlPath: 'sockets[2].name',
    problem: 'duplicate',
    reason: /socket 'device_rx' is already declared at sockets\[0\]/,
  },
  {
    title: 'duplicate parameter name',
    edit: edit('spec/hw/memory.yaml', 'name: hit_latency', 'name: latency'),
    file: 'spec/hw/memory.yaml',
    yamlPath: 'parameters[1].name',
    problem: 'duplicate',
    reason: /parameter 'latency' is already declared at parameters\[0\]/,
  },
  {
    title: 'bad unit',
    edit: edit('spec/hw/network_channel.yaml', 'default: 50us', 'default: 50 parsecs'),
    file: 'spec/hw/network_channel.yaml',
    yamlPath: 'parameters[0].default',
    problem: 'bad_unit',
    reason: /unknown time unit 'parsecs' in '50 parsecs'/,
  },
  {
    title: 'a time without a unit',
    edit: edit('spec/hw/key_manager.yaml', 'default: 150ns', 'default: 150'),
    file: 'spec/hw/key_manager.yaml',
    yamlPath: 'parameters[1].default',
    problem: 'bad_unit',
    reason: /time 150 needs a unit/,
  },
  {
    title: 'default outside its bounds',
    edit: edit('spec/hw/crypto_engine.yaml', 'default: 4\n', 'default: 0\n'),
    file: 'spec/hw/crypto_engine.yaml',
    yamlPath: 'parameters[0].default',
    problem: 'bad_value',
    reason: /default 0 is outside 1\.\.256/,
  },
  {
    title: 'unknown key (a typo)',
    edit: edit('spec/hw/memory.yaml', 'protocol: blocking', 'protocl: blocking'),
    file: 'spec/hw/memory.yaml',
    yamlPath: 'sockets[0].protocl',
    problem: 'unknown_key',
    reason: /unknown key 'protocl'/,
  },
  {
    title: 'bad role',
    edit: edit('spec/hw/memory.yaml', 'role: target', 'role: responder'),
    file: 'spec/hw/memory.yaml',
    yamlPath: 'sockets[0].role',
    problem: 'bad_value',
    reason: /'responder' is not one of initiator, target/,
  },
  {
    title: 'module id differs from the file name',
    edit: edit('spec/hw/memory.yaml', 'module: memory', 'module: dram'),
    file: 'spec/hw/memory.yaml',
    yamlPath: 'module',
    problem: 'bad_name',
    reason: /module must be 'memory' \(the file name\), is 'dram'/,
  },
  {
    title: 'a socket named like a Module member',
    edit: edit('spec/hw/key_manager.yaml', 'name: memory', 'name: params'),
    file: 'spec/hw/key_manager.yaml',
    yamlPath: 'sockets[1].name',
    problem: 'bad_name',
    reason: /'params' is reserved/,
  },
  {
    title: 'not YAML',
    edit: (spec) => spec.write('spec/hw/memory.yaml', 'module: memory\n  sockets: [\n'),
    file: 'spec/hw/memory.yaml',
    yamlPath: '(file)',
    problem: 'yaml',
    reason: /not valid YAML/,
  },
  {
    title: 'no architecture file',
    edit: (spec) => rmSync(join(spec.root, ARCH)),
    file: ARCH,
    yamlPath: '(file)',
    problem: 'missing',
    reason: /spec\/hw has no architecture\.yaml/,
  },
];

for (const c of cases) {
  test(`spec/hw error: ${c.title} — names the file, the YAML path and the reason`, (t) => {
    const spec = new TempSpec();
    t.teardown(() => spec.dispose());
    t.notThrows(() => generateTlm(spec.root), 'the unedited copy generates');
    c.edit(spec);
    const e = t.throws(() => generateTlm(spec.root), { instanceOf: HwSpecError });
    t.is(e?.file, c.file);
    t.is(e?.yamlPath, c.yamlPath);
    t.is(e?.problem, c.problem);
    t.regex(e?.reason ?? '', c.reason);
    t.true(e?.message.startsWith(`${c.file}: ${c.yamlPath}: `), e?.message);
  });
}

test('dtls13 generate surfaces spec/hw errors as SchemaErrors', async (t) => {
  const spec = new TempSpec();
  t.teardown(() => spec.dispose());
  spec.edit(ARCH, 'to: record_layer.datagrams', 'to: record_layr.datagrams');
  const e = await t.throwsAsync(generate(spec.root), { instanceOf: SchemaError });
  t.regex(e?.message ?? '', /^spec\/hw\/architecture\.yaml: connections\[2\]\.to: unknown module 'record_layr'/);
});
