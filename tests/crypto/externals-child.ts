/**
 * Child process of native-externals.test.ts: hands an addon function an external of another kind, which an addon
 * that does not check its externals' type tags takes as its own (the process may crash, so the test runs it here), and
 * prints what the call threw as JSON, or `returned` when it threw nothing.
 *
 *   node --import tsx tests/crypto/externals-child.ts <call> <path of dtls13_native.node>
 *
 * <call>: `ecdsaSign` given a socket watcher, `udpReceiveStop` / `udpReceiveRef` given an ECDSA key, or `right`:
 * each given its own kind (prints `right` when all worked).
 */
import { generateKeyPairSync } from 'node:crypto';
import { createRequire } from 'node:module';

interface Addon {
  ecdsaCreate(pkcs8: Uint8Array): object;
  ecdsaSign(key: object, digest: Uint8Array, out: Uint8Array): number;
  reuseportBind(address: Uint8Array, port: number, v6only: number): number;
  reuseportClose(fd: number): number;
  udpReceiveStart(fd: number, readable: () => void): object | number;
  udpReceiveStop(handle: object): void;
  udpReceiveRef(handle: object, on: boolean): void;
}

const [call, path] = process.argv.slice(2);
if (path === undefined)
  throw new Error('usage: externals-child.ts ecdsaSign|udpReceiveStop|udpReceiveRef|right <addon>');
const addon = createRequire(import.meta.url)(path) as Addon;

const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const key = addon.ecdsaCreate(new Uint8Array(privateKey.export({ type: 'pkcs8', format: 'der' })));
const fd = addon.reuseportBind(Uint8Array.of(127, 0, 0, 1), 0, 0);
if (fd < 0) throw new Error(`no socket: ${fd}`);
const watcher = addon.udpReceiveStart(fd, () => {});
if (typeof watcher === 'number') throw new Error(`no watcher: ${watcher}`);
const digest = new Uint8Array(32).fill(1);
const signature = new Uint8Array(80);

const calls: Record<string, () => unknown> = {
  ecdsaSign: () => addon.ecdsaSign(watcher, digest, signature),
  udpReceiveStop: () => addon.udpReceiveStop(key),
  udpReceiveRef: () => addon.udpReceiveRef(key, false),
  right: () => {
    if (addon.ecdsaSign(key, digest, signature) <= 0) throw new Error('the key did not sign');
    addon.udpReceiveRef(watcher, false);
    addon.udpReceiveStop(watcher);
    return 'right';
  },
};
const run = calls[call ?? ''];
if (run === undefined) throw new Error(`no call ${call}`);
try {
  const result = run();
  process.stdout.write(result === 'right' ? 'right\n' : 'returned\n');
} catch (e) {
  const { name, message, code } = e as Error & { code?: unknown };
  process.stdout.write(`${JSON.stringify({ name, code, message })}\n`);
}
if (call !== 'right') addon.udpReceiveStop(watcher);
addon.reuseportClose(fd);
