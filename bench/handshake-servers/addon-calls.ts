/**
 * The native addon's calls per handshake and the server's CPU, this tree against another checkout's in one process:
 * `npx tsx bench/handshake-servers/addon-calls.ts [<checkout>]`. Each tree's bench/handshake-cpu.ts loop (a full
 * 1-RTT handshake in memory, both sides, X25519, ECDSA P-256, AES-128-GCM, the default provider: the native addon
 * when it loads) with its own modules and its own addon. First the addon calls per handshake by name, both sides
 * together, counted over `DTLS13_ADDON_CALLS_HANDSHAKES` handshakes (default 200) by wrapping each function of the
 * tree's binding; then `DTLS13_ADDON_CALLS_ROUNDS` rounds (default 11) of that many handshakes per tree, the order
 * reversed every other round, with the server side's CPU per handshake and this tree's over the other's per round.
 */
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { median, spread } from '../network/stats.js';
import { envInt } from '../scale-out.js';

type HandshakeCpuModule = typeof import('../handshake-cpu.js');
type BindingModule = typeof import('../../runtime/crypto/native/binding.js');

interface Tree {
  readonly name: string;
  readonly cpu: HandshakeCpuModule;
  readonly binding: BindingModule['nativeBinding'];
}

async function loadTree(root: string, name: string): Promise<Tree> {
  const at = (path: string): string => pathToFileURL(join(root, path)).href;
  const cpu = (await import(at('bench/handshake-cpu.ts'))) as HandshakeCpuModule;
  const { nativeBinding } = (await import(at('runtime/crypto/native/binding.ts'))) as BindingModule;
  return { name, cpu, binding: nativeBinding };
}

/** Addon calls by function name over `handshakes` handshakes, per handshake, by wrapping the binding's functions. */
function countCalls(tree: Tree, handshakes: number): Map<string, number> {
  const calls = new Map<string, number>();
  const binding = tree.binding as unknown as Record<string, unknown> | undefined;
  if (binding === undefined) return calls;
  const originals = new Map<string, (...args: unknown[]) => unknown>();
  for (const [name, value] of Object.entries(binding)) {
    if (typeof value !== 'function') continue;
    const f = value as (...args: unknown[]) => unknown;
    originals.set(name, f);
    binding[name] = (...args: unknown[]): unknown => {
      calls.set(name, (calls.get(name) ?? 0) + 1);
      return f.apply(binding, args);
    };
  }
  try {
    tree.cpu.handshakeCpu(handshakes, 0);
  } finally {
    for (const [name, f] of originals) binding[name] = f;
  }
  return new Map([...calls].map(([name, n]) => [name, n / handshakes]));
}

export async function benchAddonCalls(log: (line: string) => void, baseline: string | undefined): Promise<void> {
  const handshakes = envInt('DTLS13_ADDON_CALLS_HANDSHAKES', 200);
  const rounds = envInt('DTLS13_ADDON_CALLS_ROUNDS', 11);
  const here = resolve(fileURLToPath(new URL('../..', import.meta.url)));
  const trees = [await loadTree(here, 'this tree')];
  if (baseline !== undefined) trees.push(await loadTree(resolve(baseline), baseline));
  for (const t of trees) t.cpu.handshakeCpu(1, 2000);
  for (const t of trees) {
    const calls = countCalls(t, handshakes);
    const total = [...calls.values()].reduce((a, b) => a + b, 0);
    const named = [...calls]
      .sort((a, b) => b[1] - a[1])
      .map(([name, n]) => `${name} ${n.toFixed(1)}`)
      .join(', ');
    log(`${t.name}: ${total.toFixed(1)} addon calls per handshake, both sides: ${named}`);
  }
  const server = new Map(trees.map((t) => [t, [] as number[]]));
  const ratios: number[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const t of round % 2 === 0 ? trees : [...trees].reverse())
      server.get(t)!.push(t.cpu.handshakeCpu(handshakes, 0).serverMs);
    if (trees.length === 2) ratios.push(server.get(trees[0]!)![round]! / server.get(trees[1]!)![round]!);
  }
  for (const t of trees) log(`${t.name}: server CPU per handshake ${spread(server.get(t)!, 3)} ms`);
  if (ratios.length > 0)
    log(`this tree / ${baseline} per round: ${spread(ratios, 3)}x (median ${median(ratios).toFixed(3)})`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await benchAddonCalls(console.log, process.argv[2]);
