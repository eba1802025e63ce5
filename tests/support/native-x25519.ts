import { fileURLToPath } from 'node:url';
import { nativeBinding, type NativeBinding } from '../../runtime/crypto/native/binding.js';
import { fromHex, hex } from './canon.js';

/** RFC 7748 §6.1: Alice's and Bob's private keys. */
const ALICE = '77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a';
const BOB = '5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb';
const SHARED = '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742';

/** What {@link rfc7748Exchange} gives: both public values, each side's secret, and the zero value refused (output zeroed). */
export const RFC7748_EXCHANGE = [
  '8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a',
  'de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f',
  'true',
  SHARED,
  'true',
  SHARED,
  'false',
  '00'.repeat(32),
];

/** RFC 7748 §6.1's exchange through the addon's x25519Create and x25519Derive. */
export function rfc7748Exchange(binding: NativeBinding): string[] {
  const out = new Uint8Array(32);
  const alice = binding.x25519Create(fromHex(ALICE), out);
  const seen = [hex(out)];
  const bob = binding.x25519Create(fromHex(BOB), out);
  seen.push(hex(out));
  seen.push(String(binding.x25519Derive(alice, fromHex(seen[1]!), out)), hex(out));
  seen.push(String(binding.x25519Derive(bob, fromHex(seen[0]!), out)), hex(out));
  seen.push(String(binding.x25519Derive(alice, new Uint8Array(32), out)), hex(out));
  binding.release(alice);
  binding.release(bob);
  return seen;
}

// Run as a script (the test's child process, DTLS13_NATIVE_X25519 set): which path the addon took, and the exchange.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (nativeBinding === undefined) throw new Error('no native addon');
  process.stdout.write(
    JSON.stringify({ direct: nativeBinding.x25519Direct?.(), exchange: rfc7748Exchange(nativeBinding) }),
  );
}
