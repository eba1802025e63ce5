import { nativeBinding } from '../../runtime/crypto/native/binding.js';
import { nativeKeyExchange } from '../../runtime/crypto/native/key-exchange.js';
import { nodeProvider } from '../../runtime/crypto/node/index.js';
import { spread } from '../network/stats.js';
import { envInt } from '../scale-out.js';

/**
 * What a server's X25519 answer to a ClientHello's share costs on the hello's path (one `answerKeyShare`, CPU µs), with
 * no share held ahead and with one held (native/src/x25519-ahead.h), and what making a share ahead costs: alternating
 * in each round, `DTLS13_AHEAD_ROUNDS` rounds (default 40, after one not counted) of 64 each. The total is the same
 * work; what moves is where it runs.
 *
 *   npx tsx bench/handshake-servers/x25519-ahead.ts
 */
const binding = nativeBinding;
if (binding?.x25519Ahead === undefined || binding.x25519AheadDrain === undefined || binding.x25519Direct?.() !== true)
  throw new Error('needs the native addon with X25519 direct and shares held ahead');
const rounds = envInt('DTLS13_AHEAD_ROUNDS', 40);
const PER_ROUND = 64;
const kx = nativeKeyExchange(binding, 0);
const peer = nodeProvider.generateKeyShare('x25519').publicKey;
const cpuUs = (): number => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
const per = (since: number): number => (cpuUs() - since) / PER_ROUND;
const figures = { fresh: [] as number[], ahead: [] as number[], fill: [] as number[] };
for (let round = 0; round <= rounds; round++) {
  binding.x25519AheadDrain();
  let t = cpuUs();
  for (let i = 0; i < PER_ROUND; i++) kx.answerKeyShare('x25519', peer);
  const fresh = per(t);
  t = cpuUs();
  binding.x25519Ahead(PER_ROUND, PER_ROUND);
  const fill = per(t);
  t = cpuUs();
  for (let i = 0; i < PER_ROUND; i++) kx.answerKeyShare('x25519', peer);
  const ahead = per(t);
  if (round === 0) continue;
  figures.fresh.push(fresh);
  figures.fill.push(fill);
  figures.ahead.push(ahead);
}
const show = (xs: number[]): string => `${spread(xs, 1)} µs`;
console.log(`x25519-ahead: ${rounds} rounds of ${PER_ROUND}, CPU per share`);
console.log(`x25519-ahead: answer, none held ahead: ${show(figures.fresh)}`);
console.log(`x25519-ahead: answer, one held ahead:  ${show(figures.ahead)}`);
console.log(`x25519-ahead: a share made ahead:      ${show(figures.fill)}`);
