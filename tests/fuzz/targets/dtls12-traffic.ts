/**
 * Real DTLS 1.2 traffic for the fuzz targets: OpenSSL 3.0's recorded
 * handshakes (tests/vectors/openssl-dtls12-handshakes.json: s_client and
 * s_server -dtls1_2, one per suite, with OpenSSL's own CLIENT_RANDOM key
 * log line), with each direction's real epoch-1 keys derived from the
 * master secret and the hellos' randoms (runtime/dtls12/key-derivation.ts).
 */
import { readFileSync } from 'node:fs';
import { readDtlsHandshake } from '../../../generated/wire/dtls-handshake.js';
import { decodeClientHello } from '../../../generated/wire/client-hello.js';
import { decodeTls12ServerHello } from '../../../generated/wire/tls12-server-hello.js';
import { nodeProvider } from '../../../runtime/crypto/node/index.js';
import { decodeDatagram12 } from '../../../runtime/record/datagram12.js';
import { keyBlock, type WriteKeys } from '../../../runtime/dtls12/key-derivation.js';
import { dtls12Suite, type Dtls12SuiteParams } from '../../../runtime/versions/suites12.js';
import { Reader } from '../../../runtime/wire/reader.js';

export interface RecordedDatagram {
  readonly from: 'client' | 'server';
  readonly bytes: Uint8Array;
}

/** One recorded connection: its suite, both directions' keys, its datagrams. */
export interface Traffic12 {
  readonly suite: Dtls12SuiteParams;
  readonly keys: { readonly client: WriteKeys; readonly server: WriteKeys };
  readonly datagrams: readonly RecordedDatagram[];
  readonly clientRandom: Uint8Array;
}

interface Recorded {
  readonly captures: readonly {
    readonly suite: string;
    readonly keyLog: string;
    readonly datagrams: readonly { from: 'client' | 'server'; hex: string }[];
  }[];
}

/** The first handshake message of `type` in a datagram's epoch-0 records, whole. */
function message(d: Uint8Array, type: string): Uint8Array | undefined {
  for (const w of decodeDatagram12(d)) {
    if (w.kind !== 'record' || w.record.type !== 'handshake' || w.record.epoch !== 0) continue;
    const f = readDtlsHandshake(new Reader(w.record.fragment, 'Handshake'));
    if (f.msgType === type && f.fragmentOffset === 0 && f.fragment.length === f.length) return f.fragment;
  }
  return undefined;
}

let cached: Traffic12[] | undefined;

/** Every recorded connection, keyed. */
export function recordedTraffic12(): readonly Traffic12[] {
  if (cached) return cached;
  const recorded = JSON.parse(
    readFileSync(new URL('../../vectors/openssl-dtls12-handshakes.json', import.meta.url), 'utf8'),
  ) as Recorded;
  cached = recorded.captures.map((c) => {
    const suite = dtls12Suite(c.suite as Parameters<typeof dtls12Suite>[0]);
    if (!suite) throw new Error(`recorded suite ${c.suite} is not a 1.2 suite`);
    const datagrams = c.datagrams.map((d) => ({ from: d.from, bytes: new Uint8Array(Buffer.from(d.hex, 'hex')) }));
    let clientRandom: Uint8Array | undefined;
    let serverRandom: Uint8Array | undefined;
    for (const d of datagrams) {
      const ch = d.from === 'client' ? message(d.bytes, 'client_hello') : undefined;
      if (ch) clientRandom = decodeClientHello(ch).random;
      const sh = d.from === 'server' ? message(d.bytes, 'server_hello') : undefined;
      if (sh) serverRandom = decodeTls12ServerHello(sh).random;
    }
    const [, random, master] = c.keyLog.split(' ');
    if (!clientRandom || !serverRandom || Buffer.from(clientRandom).toString('hex') !== random)
      throw new Error(`recorded ${c.suite}: hellos and key log disagree`);
    const keys = keyBlock(nodeProvider, suite, new Uint8Array(Buffer.from(master!, 'hex')), clientRandom, serverRandom);
    return { suite, keys, datagrams, clientRandom };
  });
  return cached;
}
