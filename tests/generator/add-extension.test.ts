import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import test from 'ava';
import { generate } from '../../generator/generate.js';
import { writeGenerated } from '../../generator/generated-files.js';
import { ROOT } from '../support/spec.js';
import { TempSpec } from '../support/temp-spec.js';

/**
 * The "How to add an extension" walkthrough of docs/add-an-extension.md, executed:
 * the YAML is taken from the page itself, so the page stays true.
 */

function readmeBlock(marker: string): string {
  const readme = readFileSync(join(ROOT, 'docs/add-an-extension.md'), 'utf8');
  const m = new RegExp(`<!-- add-extension:${marker} -->\\n\`\`\`yaml\\n([\\s\\S]*?)\`\`\``).exec(readme);
  if (!m) throw new Error(`docs/add-an-extension.md has no add-extension:${marker} block`);
  return m[1]!;
}

/** Adds `- ext_heartbeat` to a schema's imports and the README's case line after `afterCase`. */
function register(spec: TempSpec, file: string, afterCase: RegExp): void {
  spec.edit(file, / {2}imports:\n {4}- enums\n/, '  imports:\n    - enums\n    - ext_heartbeat\n');
  spec.edit(file, afterCase, (m) => `${m}${readmeBlock('case')}`);
}

test('the walkthrough in docs/add-an-extension.md adds a parsed heartbeat extension to ClientHello and EncryptedExtensions', async (t) => {
  const spec = new TempSpec();
  t.teardown(() => spec.dispose());
  spec.write('spec/wire/enums.ksy', spec.read('spec/wire/enums.ksy') + readmeBlock('enum'));
  spec.write('spec/wire/ext_heartbeat.ksy', readmeBlock('ksy'));
  register(spec, 'spec/wire/client_hello.ksy', /.*'enums::extension_type::connection_id': .*\n/);
  register(spec, 'spec/wire/encrypted_extensions.ksy', /.*'enums::extension_type::early_data': .*\n/);

  const result = await generate(spec.root);
  t.deepEqual(
    result.summary.extensionTable.filter((e) => e.extensions.includes('heartbeat')).map((e) => e.message),
    ['client_hello', 'encrypted_extensions'],
  );
  writeGenerated(spec.root, result);
  cpSync(join(ROOT, 'runtime'), join(spec.root, 'runtime'), { recursive: true });

  const wire = (await import(pathToFileURL(join(spec.root, 'generated/wire/index.ts')).href)) as {
    decodeEncryptedExtensions(b: Uint8Array): { extensions: { extensionType: unknown; extensionData: unknown }[] };
    HeartbeatMode: Record<string, number>;
  };
  t.is(wire.HeartbeatMode.peer_not_allowed_to_send, 2);
  // EncryptedExtensions with one heartbeat extension: type 15, length 1, mode 1.
  const ee = wire.decodeEncryptedExtensions(Uint8Array.of(0x00, 0x05, 0x00, 0x0f, 0x00, 0x01, 0x01));
  t.deepEqual(ee.extensions, [{ extensionType: 'heartbeat', extensionData: { mode: 'peer_allowed_to_send' } }]);
});
