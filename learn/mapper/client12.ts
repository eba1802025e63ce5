import type { CryptoProvider, KeyExchangeGroup, SignatureAlgorithm } from '../../runtime/crypto/provider.js';
import {
  extendedMasterSecret,
  keyBlock,
  masterSecret,
  verifyData,
  type KeyBlock,
} from '../../runtime/dtls12/key-derivation.js';
import { schemesForKey12, sign12 } from '../../runtime/dtls12/signing.js';
import { wholeMessageHeader } from '../../runtime/dtls12/transcript.js';
import { dtls12Suite, type Dtls12SuiteParams } from '../../runtime/versions/suites12.js';
import { concatBytes } from '../../runtime/wire/bytes.js';
import { encodeClientHello } from '../../generated/wire/client-hello.js';
import { encodeClientKeyExchangeEcdhe } from '../../generated/wire/client-key-exchange.js';
import { encodeDigitallySigned } from '../../generated/wire/digitally-signed.js';
import type { CipherSuite, NamedGroup } from '../../generated/wire/enums.js';
import { decodeHelloVerifyRequest } from '../../generated/wire/hello-verify-request.js';
import { decodeServerKeyExchangeEcdhe } from '../../generated/wire/server-key-exchange.js';
import { decodeTls12Certificate, encodeTls12Certificate } from '../../generated/wire/tls12-certificate.js';
import { decodeTls12ServerHello } from '../../generated/wire/tls12-server-hello.js';
import { alertRecord, APPLICATION_DATA, CONTENT, WRONG_FINISHED } from './content.js';
import type { Answer, ConcreteSide } from './concrete-side.js';
import type { Credentials } from './credentials.js';
import {
  dtlsHandshakeBytes,
  HandshakeReassembler,
  messageName,
  typeNumber,
  type HandshakeMessage,
} from './handshake-framing.js';
import { receive12 } from './receive12.js';
import { RepeatedFlights, type PeerRetransmissions } from './repeated-flights.js';
import { Records12 } from './records12.js';

const SUITES: readonly CipherSuite[] = [
  'tls_ecdhe_ecdsa_with_aes_128_gcm_sha256',
  'tls_ecdhe_rsa_with_aes_128_gcm_sha256',
  'tls_ecdhe_ecdsa_with_aes_256_gcm_sha384',
  'tls_ecdhe_rsa_with_aes_256_gcm_sha384',
  'tls_ecdhe_ecdsa_with_chacha20_poly1305_sha256',
  'tls_ecdhe_rsa_with_chacha20_poly1305_sha256',
];
const GROUPS: readonly KeyExchangeGroup[] = ['x25519', 'secp256r1', 'secp384r1'];
const SCHEMES: readonly SignatureAlgorithm[] = [
  'ecdsa_secp256r1_sha256',
  'ecdsa_secp384r1_sha384',
  'ecdsa_secp521r1_sha512',
  'ed25519',
  'rsa_pss_rsae_sha256',
  'rsa_pss_rsae_sha384',
  'rsa_pkcs1_sha256',
  'rsa_pkcs1_sha384',
];
const EMPTY = new Uint8Array(0);

/**
 * The client side of a DTLS 1.2 conversation (RFC 6347, RFC 5246, RFC 8422, RFC 7627), one abstract input at a time,
 * with ECDHE certificate suites. Inputs are made with correct cryptography over the transcript so far where it exists;
 * the harness's choices where it does not are documented at each input.
 */
export class Client12 implements ConcreteSide {
  private readonly provider: CryptoProvider;
  private readonly credentials: Credentials;
  private readonly records: Records12;
  private readonly reassembler = new HandshakeReassembler();
  /** The peer's ChangeCipherSpec records, a repeated flight's left out with `hide` (read by the session). */
  readonly flights: RepeatedFlights;
  private readonly random: Uint8Array;
  /** Each handshake message of the transcript with its 12-byte header as if unfragmented (RFC 6347 §4.2.6). */
  private transcript: Uint8Array[] = [];
  private sendSeq = 0;
  private cookie: Uint8Array = EMPTY;
  private suite: Dtls12SuiteParams | undefined;
  private serverRandom: Uint8Array | undefined;
  private extendedMaster = false;
  private serverParams: { group: KeyExchangeGroup; publicKey: Uint8Array } | undefined;
  private master: Uint8Array | undefined;
  private keys: KeyBlock | undefined;

  constructor(provider: CryptoProvider, credentials: Credentials, retransmissions: PeerRetransmissions = 'show') {
    this.provider = provider;
    this.credentials = credentials;
    this.flights = new RepeatedFlights(retransmissions);
    this.records = new Records12(provider);
    this.random = provider.randomBytes(32);
  }

  input(symbol: string): Uint8Array[] {
    switch (symbol) {
      case 'ClientHello':
        return [this.clientHello(EMPTY)];
      case 'ClientHelloWithCookie':
        // The last HelloVerifyRequest's cookie; before any, none (then it is the plain ClientHello).
        return [this.clientHello(this.cookie)];
      case 'ClientHelloWithCookieChanged':
        // The cookie, with another suite list than the first ClientHello's.
        return [this.clientHello(this.cookie, SUITES.slice(1))];
      case 'Certificate':
        // Our chain; without one configured, the same as EmptyCertificate.
        return [
          this.handshake(
            typeNumber('certificate'),
            encodeTls12Certificate({ certificateList: this.credentials.chain.map((cert) => ({ cert })) }),
          ),
        ];
      case 'EmptyCertificate':
        return [this.handshake(typeNumber('certificate'), encodeTls12Certificate({ certificateList: [] }))];
      case 'ClientKeyExchange':
        return [this.clientKeyExchange()];
      case 'CertificateVerify':
        return [this.handshake(typeNumber('certificate_verify'), this.certificateVerify())];
      case 'ChangeCipherSpec':
        return [this.changeCipherSpec()];
      case 'Finished':
        return [this.finished(false)];
      case WRONG_FINISHED:
        return [this.finished(true)];
      case 'ApplicationData':
        return [this.records.seal(CONTENT.application_data, APPLICATION_DATA)];
      default: {
        const alert = alertRecord(symbol);
        if (alert === undefined) throw new RangeError(`${symbol} is not in the DTLS 1.2 client alphabet`);
        return [this.records.seal(CONTENT.alert, alert)];
      }
    }
  }

  receive(datagram: Uint8Array): Answer {
    return receive12(
      {
        records: this.records,
        reassembler: this.reassembler,
        flights: this.flights,
        message: (m) => this.onMessage(m),
        changeCipherSpec: () => {
          if (this.keys !== undefined && this.suite !== undefined)
            this.records.readEpoch1(this.suite, this.keys.server);
        },
      },
      datagram,
    );
  }

  release(): void {
    this.master?.fill(0);
  }

  /**
   * A ClientHello for DTLS 1.2 with `cookie` (RFC 6347 §4.2.1): the same random every time, so the one with the cookie
   * repeats the first. Each ClientHello starts the transcript again (the first and the HelloVerifyRequest are not in it).
   * A server keeps no state for a HelloVerifyRequest and never retransmits one (RFC 6347 §4.2.1), so the one that
   * answers this ClientHello counts even when it repeats an earlier one (GnuTLS's cookie depends on our address only).
   */
  private clientHello(cookie: Uint8Array, suites: readonly CipherSuite[] = SUITES): Uint8Array {
    const body = encodeClientHello({
      legacyVersion: 'dtls1_2',
      random: this.random,
      legacySessionId: EMPTY,
      legacyCookie: cookie,
      cipherSuites: [...suites],
      legacyCompressionMethods: Uint8Array.of(0),
      extensions: [
        { extensionType: 'supported_groups', extensionData: { namedGroupList: GROUPS as NamedGroup[] } },
        { extensionType: 'ec_point_formats', extensionData: { formats: ['uncompressed'] } },
        { extensionType: 'signature_algorithms', extensionData: { supportedSignatureAlgorithms: [...SCHEMES] } },
        { extensionType: 'extended_master_secret', extensionData: {} },
        { extensionType: 'renegotiation_info', extensionData: { renegotiatedConnection: EMPTY } },
      ],
    });
    this.transcript = [];
    this.records.forgetEpoch0();
    this.reassembler.forget(typeNumber('hello_verify_request'));
    return this.handshake(typeNumber('client_hello'), body);
  }

  /**
   * ClientKeyExchange with our ECDHE share for the server's curve (RFC 8422 §5.7), and the master secret (extended when
   * the server agreed, RFC 7627) and key block from it. Without a ServerKeyExchange the harness sends a fresh X25519
   * share and derives nothing.
   */
  private clientKeyExchange(): Uint8Array {
    const params = this.serverParams;
    const share = this.provider.generateKeyShare(params?.group ?? 'x25519');
    let premaster: Uint8Array | undefined;
    try {
      premaster = params === undefined ? undefined : share.deriveSecret(params.publicKey);
    } catch {
      premaster = undefined;
    }
    const record = this.handshake(
      typeNumber('client_key_exchange'),
      encodeClientKeyExchangeEcdhe({ ecdhYc: share.publicKey }),
    );
    share.release();
    const suite = this.suite;
    if (premaster !== undefined && suite !== undefined && this.serverRandom !== undefined) {
      this.master = this.extendedMaster
        ? extendedMasterSecret(this.provider, suite.hash, premaster, this.transcriptHash())
        : masterSecret(this.provider, suite.hash, premaster, this.random, this.serverRandom);
      this.keys = keyBlock(this.provider, suite, this.master, this.random, this.serverRandom);
    }
    return record;
  }

  /**
   * CertificateVerify: our signature over the handshake messages so far (RFC 5246 §7.4.8). Without a key, the harness
   * sends ecdsa_secp256r1_sha256 with 64 random bytes.
   */
  private certificateVerify(): Uint8Array {
    const key = this.credentials.key;
    const scheme = key === undefined ? undefined : schemesForKey12(key)[0];
    if (key !== undefined && scheme !== undefined) {
      try {
        return encodeDigitallySigned({
          algorithm: scheme,
          signature: sign12(this.provider, scheme, key, concatBytes(this.transcript)),
        });
      } catch {
        // fall through to the unverifiable signature
      }
    }
    return encodeDigitallySigned({ algorithm: 'ecdsa_secp256r1_sha256', signature: this.provider.randomBytes(64) });
  }

  /** ChangeCipherSpec in the current epoch; our later records go out in epoch 1 once keys exist (before that, still plaintext). */
  private changeCipherSpec(): Uint8Array {
    const record = this.records.seal(CONTENT.change_cipher_spec, Uint8Array.of(1));
    if (this.keys !== undefined && this.suite !== undefined) this.records.useEpoch1(this.suite, this.keys.client);
    return record;
  }

  /**
   * Finished: verify_data over the transcript with the master secret (RFC 5246 §7.4.9); without one, 12 random bytes.
   * `wrong`: the first byte flipped ({@link WRONG_FINISHED}).
   */
  private finished(wrong: boolean): Uint8Array {
    const body =
      this.master !== undefined && this.suite !== undefined
        ? verifyData(this.provider, this.suite.hash, this.master, 'client', this.transcriptHash())
        : this.provider.randomBytes(12);
    if (wrong) body[0]! ^= 0xff;
    return this.handshake(typeNumber('finished'), body);
  }

  private handshake(msgType: number, body: Uint8Array): Uint8Array {
    const seq = this.sendSeq++;
    this.transcript.push(wholeMessageHeader(msgType, seq, body.length), body);
    return this.records.seal(CONTENT.handshake, dtlsHandshakeBytes(msgType, seq, body));
  }

  private transcriptHash(): Uint8Array {
    return this.provider.digest(this.suite?.hash ?? 'sha256', concatBytes(this.transcript));
  }

  private onMessage(m: HandshakeMessage): { name: string; flightEnd: boolean } {
    const name = messageName(m.msgType);
    try {
      switch (m.msgType) {
        case typeNumber('hello_verify_request'):
          this.cookie = decodeHelloVerifyRequest(m.body).cookie;
          this.transcript = [];
          return { name, flightEnd: true };
        case typeNumber('hello_request'):
          return { name, flightEnd: true };
        case typeNumber('server_hello'): {
          const hello = decodeTls12ServerHello(m.body);
          this.suite = dtls12Suite(hello.cipherSuite);
          this.serverRandom = hello.random;
          this.extendedMaster = hello.extensions.some((e) => e.extensionType === 'extended_master_secret');
          break;
        }
        case typeNumber('certificate'):
          if (decodeTls12Certificate(m.body).certificateList.length === 0) {
            this.transcript.push(wholeMessageHeader(m.msgType, m.messageSeq, m.body.length), m.body);
            return { name: 'EmptyCertificate', flightEnd: false };
          }
          break;
        case typeNumber('server_key_exchange'): {
          const params = decodeServerKeyExchangeEcdhe(m.body).params;
          const group = GROUPS.find((g) => g === params.namedCurve);
          if (group !== undefined) this.serverParams = { group, publicKey: params.publicKey };
          break;
        }
      }
    } catch {
      this.transcript.push(wholeMessageHeader(m.msgType, m.messageSeq, m.body.length), m.body);
      return { name: `${name}(malformed)`, flightEnd: true };
    }
    this.transcript.push(wholeMessageHeader(m.msgType, m.messageSeq, m.body.length), m.body);
    const ends = m.msgType === typeNumber('server_hello_done') || m.msgType === typeNumber('finished');
    return { name, flightEnd: ends };
  }
}
