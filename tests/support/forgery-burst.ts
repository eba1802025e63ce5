/**
 * A forgery burst of mixed datagrams (issue 49 item 5: 3,000 of them are
 * about 26 MB): every tenth a 65,507-byte flood of minimal forged records,
 * one in ten a single 16,000-byte record, the rest 1,200-byte records and
 * pairs of small ones. None authenticates under any key.
 */
import { bytesFrom, forgedCiphertext } from './attacker.js';
import { forgedFlood12, forgedRecord12 } from './forged12.js';

/** The largest datagram of minimal DTLS 1.3 forged records (3,119 of 21 bytes: unified header with length, 16 bytes). */
export function flood13(seed: number): Uint8Array {
  const records = Math.floor(65_507 / 21);
  const out = new Uint8Array(records * 21);
  for (let i = 0; i < records; i++) out.set(forgedCiphertext(3, i, bytesFrom(seed + i + 1, 16)), i * 21);
  return out;
}

/** Forged DTLS 1.3 datagram `i` of a burst (epoch bits mostly 3, the application epoch's). */
export function burst13(i: number): Uint8Array {
  const kind = i % 10;
  if (kind === 0) return flood13(i * 4000);
  if (kind === 1) return forgedCiphertext(i & 3, i, bytesFrom(i + 1, 16_000));
  if (kind % 2 === 0) return forgedCiphertext(3, i, bytesFrom(i + 1, 1_200));
  return Uint8Array.from([
    ...forgedCiphertext(3, i, bytesFrom(i + 1, 40)),
    ...forgedCiphertext(2, i + 1, bytesFrom(i + 2, 40)),
  ]);
}

/** Forged DTLS 1.2 datagram `i` of a burst (epoch 1; tls12_cid records carrying `cid` when given). */
export function burst12(i: number, cid?: Uint8Array): Uint8Array {
  const kind = i % 10;
  if (kind === 0) return forgedFlood12(10_000 + i * 2000, i, cid).datagram;
  if (kind === 1) return forgedRecord12(1, 5000 + i, 16_000, i, cid);
  if (kind % 2 === 0) return forgedRecord12(1, 5000 + i, 1_200, i, cid);
  return Uint8Array.from([...forgedRecord12(1, 5000 + i, 40, i, cid), ...forgedRecord12(1, 6000 + i, 40, i + 1, cid)]);
}
