import { createRequire } from 'node:module';
import {
  decodeClientHello,
  decodeDtlsCiphertextHeader,
  decodeDtlsPlaintext,
  decodeServerHello,
  encodeClientHello,
  encodeDtlsCiphertextHeader,
  encodeDtlsPlaintext,
  encodeServerHello,
} from '../generated/wire/index.js';
import { compare, formatRate, sinkValue } from './harness.js';
import { ciphertextHeader, clientHello, plaintextHeader, serverHello } from './inputs.js';

/**
 * Wire codecs: decode and encode rates of the generated codecs for record
 * headers, ClientHello and ServerHello, against kaitai-struct-compiler's
 * JavaScript parsers for the same schemas on the same inputs, in this run.
 * Both parsers get the same input object: a Uint8Array view into a receive
 * buffer, as a datagram socket delivers it (KaitaiStream takes typed arrays
 * directly). The Kaitai runtime has no serializer, so encode rates are shown
 * against the same oracle's parse rate of the bytes produced.
 */

const require = createRequire(import.meta.url);
type Ctor = new (io: unknown, parent: null, root: null, ...params: number[]) => unknown;
const KaitaiStream = require('kaitai-struct/KaitaiStream') as new (buf: Uint8Array) => unknown;
const oracle = (file: string): Ctor => (require(`../generated/oracle/${file}.js`) as Record<string, Ctor>)[file]!;
const OracleCiphertextHeader = oracle('DtlsCiphertextHeader');
const OraclePlaintext = oracle('DtlsPlaintext');
const OracleClientHello = oracle('ClientHello');
const OracleServerHello = oracle('ServerHello');

/** Copies each input into its own place in one receive buffer, the way datagrams arrive. */
const receive = new Uint8Array(new ArrayBuffer(8192));
let at = 64;
const received = (b: Uint8Array): Uint8Array => {
  receive.set(b, at);
  const view = receive.subarray(at, at + b.length);
  at += b.length + 64;
  return view;
};
const chBuf = received(clientHello);
const shBuf = received(serverHello);
const hdrBuf = received(ciphertextHeader);
const ptBuf = received(plaintextHeader);

const ch = decodeClientHello(clientHello);
const sh = decodeServerHello(serverHello);
const hdr = decodeDtlsCiphertextHeader(ciphertextHeader, 0);
const pt = decodeDtlsPlaintext(plaintextHeader);

interface Row {
  readonly what: string;
  readonly bytes: number;
  readonly decode: number;
  readonly oracle: number;
  readonly decodeRatio: number;
  readonly encode: number;
  readonly encodeRatio: number;
}

function row(
  what: string,
  bytes: number,
  decode: () => unknown,
  oracleParse: () => unknown,
  encode: () => unknown,
): Row {
  const d = compare(decode, oracleParse);
  const e = compare(encode, oracleParse);
  return {
    what,
    bytes,
    decode: d.rate,
    oracle: d.baseline,
    decodeRatio: d.ratio,
    encode: e.rate,
    encodeRatio: e.ratio,
  };
}

/** Runs the wire codec benchmark and prints its table. */
export function benchWire(): void {
  const rows: Row[] = [
    row(
      'DTLSCiphertext unified header',
      ciphertextHeader.length,
      () => decodeDtlsCiphertextHeader(hdrBuf, 0),
      () => new OracleCiphertextHeader(new KaitaiStream(hdrBuf), null, null, 0),
      () => encodeDtlsCiphertextHeader(hdr, 0),
    ),
    row(
      'DTLSPlaintext header',
      plaintextHeader.length,
      () => decodeDtlsPlaintext(ptBuf),
      () => new OraclePlaintext(new KaitaiStream(ptBuf), null, null),
      () => encodeDtlsPlaintext(pt),
    ),
    row(
      'ClientHello',
      clientHello.length,
      () => decodeClientHello(chBuf),
      () => new OracleClientHello(new KaitaiStream(chBuf), null, null),
      () => encodeClientHello(ch),
    ),
    row(
      'ServerHello (RFC 8448)',
      serverHello.length,
      () => decodeServerHello(shBuf),
      () => new OracleServerHello(new KaitaiStream(shBuf), null, null),
      () => encodeServerHello(sh),
    ),
  ];

  const pad = (s: string, n: number): string => s.padEnd(n);
  console.log(
    `dtls13 wire codec benchmark (node ${process.version}); ratios: median over rounds alternating with kaitai-struct-compiler's JS parser on the same input\n`,
  );
  console.log(
    `${pad('structure', 31)}${pad('bytes', 7)}${pad('decode', 13)}${pad('kaitai parse', 14)}${pad('decode/kaitai', 15)}${pad('encode', 13)}encode/kaitai`,
  );
  for (const r of rows) {
    console.log(
      `${pad(r.what, 31)}${pad(String(r.bytes), 7)}${pad(formatRate(r.decode), 13)}${pad(formatRate(r.oracle), 14)}${pad(`${r.decodeRatio.toFixed(2)}x`, 15)}${pad(formatRate(r.encode), 13)}${r.encodeRatio.toFixed(2)}x`,
    );
  }
  const header = rows[0]!;
  console.log(
    `\ntargets: decoder >= 2x kaitai on every row: ${rows.every((r) => r.decodeRatio >= 2) ? 'met' : 'NOT met'}; record-header decodes >= 5 M/s: ${header.decode >= 5e6 ? 'met' : 'NOT met'} (${formatRate(header.decode)})`,
  );
  console.log(`(sink ${sinkValue()})`);
}
