import type { CryptoProvider, KeyExchangeGroup, KeyShare, SignatureAlgorithm } from '../../runtime/crypto/provider.js';
import {
  extendedMasterSecret,
  keyBlock,
  masterSecret,
  verifyData,
  type KeyBlock,
} from '../../runtime/dtls12/key-derivation.js';
import { schemesForKey12, sign12 } from '../../runtime/dtls12/signing.js';
import { serverKeyExchangeSignedData, wholeMessageHeader } from '../../runtime/dtls12/transcript.js';
import { dtls12Suite, type Dtls12SuiteParams } from '../../runtime/versions/suites12.js';
import { concatBytes } from '../../runtime/wire/bytes.js';
import { decodeClientHello } from '../../generated/wire/client-hello.js';
import { decodeClientKeyExchangeEcdhe } from '../../generated/wire/client-key-exchange.js';
import type { CipherSuite } from '../../generated/wire/enums.js';
import { encodeHelloVerifyRequest } from '../../generated/wire/hello-verify-request.js';
import { encodeServerEcdhParams } from '../../generated/wire/server-ecdh-params.js';
import { encodeServerHelloDone } from '../../generated/wire/server-hello-done.js';
import { encodeServerKeyExchangeEcdhe } from '../../generated/wire/server-key-exchange.js';
import { decodeTls12Certificate, encodeTls12Certificate } from '../../generated/wire/tls12-certificate.js';
import { encodeTls12CertificateRequest } from '../../generated/wire/tls12-certificate-request.js';
import { encodeTls12ServerHello, type Tls12ServerHelloExtension } from '../../generated/wire/tls12-server-hello.js';
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

const GROUPS: readonly KeyExchangeGroup[] = ['x25519', 'secp256r1', 'secp384r1'];
const SCHEMES: readonly SignatureAlgorithm[] = [
  'ecdsa_secp256r1_sha256',
  'ecdsa_secp384r1_sha384',
  'rsa_pss_rsae_sha256',
  'rsa_pkcs1_sha256',
  'ed25519',
];
const EMPTY = new Uint8Array(0);

/** What the client's last ClientHello offered. */
interface Offer12 {
  readonly random: Uint8Array;
  readonly suites: readonly CipherSuite[];
  readonly groups: readonly KeyExchangeGroup[];
  readonly extendedMaster: boolean;
  readonly renegotiationInfo: boolean;
}

/**
 * The server side of a DTLS 1.2 conversation (RFC 6347, RFC 5246, RFC 8422, RFC 7627), for learning a client, with
 * ECDHE certificate suites: the suite is the first the client offered that fits our key (ECDHE_ECDSA or ECDHE_RSA),
 * the curve the first of ours it supports. Each input is made with correct cryptography over the transcript so far
 * where it exists; the harness's choices where it does not are documented at each input.
 */
export class Server12 implements ConcreteSide {
  private readonly provider: CryptoProvider;
  private readonly credentials: Credentials;
  private readonly records: Records12;
  private readonly reassembler = new HandshakeReassembler();
  /** The peer's ChangeCipherSpec records, a repeated flight's left out with `hide` (read by the session). */
  readonly flights: RepeatedFlights;
  private readonly random: Uint8Array;
  private transcript: Uint8Array[] = [];
  private sendSeq = 0;
  private offer: Offer12 | undefined;
  private suite: Dtls12SuiteParams | undefined;
  private share: KeyShare | undefined;
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
      case 'HelloVerifyRequest':
        // Not in the transcript (RFC 6347 §4.2.6); a fresh cookie, which a client just echoes.
        return [
          this.handshake(
            typeNumber('hello_verify_request'),
            encodeHelloVerifyRequest({ serverVersion: 'dtls1_2', cookie: this.provider.randomBytes(16) }),
            true,
          ),
        ];
      case 'ServerHello':
        return [this.handshake(typeNumber('server_hello'), this.serverHello())];
      case 'Certificate':
        return [
          this.handshake(
            typeNumber('certificate'),
            encodeTls12Certificate({ certificateList: this.credentials.chain.map((cert) => ({ cert })) }),
          ),
        ];
      case 'ServerKeyExchange':
        return [this.handshake(typeNumber('server_key_exchange'), this.serverKeyExchange())];
      case 'CertificateRequest':
        return [
          this.handshake(
            typeNumber('certificate_request'),
            encodeTls12CertificateRequest({
              certificateTypes: ['ecdsa_sign', 'rsa_sign'],
              supportedSignatureAlgorithms: [...SCHEMES],
              certificateAuthorities: [],
            }),
          ),
        ];
      case 'ServerHelloDone':
        return [this.handshake(typeNumber('server_hello_done'), encodeServerHelloDone({}))];
      case 'ChangeCipherSpec': {
        // In the current epoch; our later records go out in epoch 1 once keys exist (before that, still plaintext).
        const record = this.records.seal(CONTENT.change_cipher_spec, Uint8Array.of(1));
        if (this.keys !== undefined && this.suite !== undefined) this.records.useEpoch1(this.suite, this.keys.server);
        return [record];
      }
      case 'Finished':
        return [this.finished(false)];
      case WRONG_FINISHED:
        return [this.finished(true)];
      case 'HelloRequest':
        // Not in the transcript (RFC 5246 §7.4.1.1): a request to renegotiate.
        return [this.handshake(typeNumber('hello_request'), EMPTY, true)];
      case 'ApplicationData':
        return [this.records.seal(CONTENT.application_data, APPLICATION_DATA)];
      default: {
        const alert = alertRecord(symbol);
        if (alert === undefined) throw new RangeError(`${symbol} is not in the DTLS 1.2 server alphabet`);
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
            this.records.readEpoch1(this.suite, this.keys.client);
        },
      },
      datagram,
    );
  }

  release(): void {
    this.share?.release();
    this.master?.fill(0);
  }

  /** The suite: the first the client offered that our key can serve; without a key or a match, the client's first ECDHE one. */
  private chooseSuite(): Dtls12SuiteParams | undefined {
    const keyType = this.credentials.key?.keyType;
    const fits = (s: Dtls12SuiteParams): boolean =>
      keyType === undefined
        ? s.keyExchange.startsWith('ecdhe_')
        : keyType === 'rsa'
          ? s.keyExchange === 'ecdhe_rsa'
          : s.keyExchange === 'ecdhe_ecdsa';
    const offered = (this.offer?.suites ?? [])
      .map((s) => dtls12Suite(s))
      .filter((s): s is Dtls12SuiteParams => s !== undefined);
    return offered.find(fits) ?? offered.find((s) => s.keyExchange.startsWith('ecdhe_'));
  }

  /** ServerHello with our answers to what the client offered (RFC 5246 §7.4.1.3): EMS and renegotiation_info when asked. */
  private serverHello(): Uint8Array {
    this.suite = this.chooseSuite();
    const extensions: Tls12ServerHelloExtension[] = [];
    if (this.offer?.renegotiationInfo === true)
      extensions.push({ extensionType: 'renegotiation_info', extensionData: { renegotiatedConnection: EMPTY } });
    if (this.offer?.extendedMaster === true)
      extensions.push({ extensionType: 'extended_master_secret', extensionData: {} });
    extensions.push({ extensionType: 'ec_point_formats', extensionData: { formats: ['uncompressed'] } });
    return encodeTls12ServerHello({
      serverVersion: 'dtls1_2',
      random: this.random,
      sessionId: this.provider.randomBytes(32),
      cipherSuite: this.suite?.name ?? 'tls_ecdhe_ecdsa_with_aes_128_gcm_sha256',
      compressionMethod: 0,
      extensions,
    });
  }

  /**
   * ServerKeyExchange: a fresh ECDHE share on the first of our curves the client supports, signed with our key over
   * both randoms and the parameters (RFC 8422 §5.4). Without a key, ecdsa_secp256r1_sha256 with 64 random bytes.
   */
  private serverKeyExchange(): Uint8Array {
    const group = GROUPS.find((g) => this.offer?.groups.includes(g) === true) ?? 'x25519';
    this.share?.release();
    const share = (this.share = this.provider.generateKeyShare(group));
    const params = { namedCurve: group, publicKey: share.publicKey };
    const signed = serverKeyExchangeSignedData(
      this.offer?.random ?? new Uint8Array(32),
      this.random,
      encodeServerEcdhParams(params),
    );
    const key = this.credentials.key;
    const scheme = key === undefined ? undefined : schemesForKey12(key)[0];
    let signedParams = {
      algorithm: 'ecdsa_secp256r1_sha256' as SignatureAlgorithm,
      signature: this.provider.randomBytes(64),
    };
    if (key !== undefined && scheme !== undefined) {
      try {
        signedParams = { algorithm: scheme, signature: sign12(this.provider, scheme, key, signed) };
      } catch {
        // the unverifiable signature above
      }
    }
    return encodeServerKeyExchangeEcdhe({ params, signedParams });
  }

  /**
   * Finished: verify_data over the transcript with the master secret (RFC 5246 §7.4.9); without one, 12 random bytes.
   * `wrong`: the first byte flipped ({@link WRONG_FINISHED}).
   */
  private finished(wrong: boolean): Uint8Array {
    const body =
      this.master !== undefined && this.suite !== undefined
        ? verifyData(this.provider, this.suite.hash, this.master, 'server', this.transcriptHash())
        : this.provider.randomBytes(12);
    if (wrong) body[0]! ^= 0xff;
    return this.handshake(typeNumber('finished'), body);
  }

  private handshake(msgType: number, body: Uint8Array, untranscribed = false): Uint8Array {
    const seq = this.sendSeq++;
    if (!untranscribed) this.transcript.push(wholeMessageHeader(msgType, seq, body.length), body);
    return this.records.seal(CONTENT.handshake, dtlsHandshakeBytes(msgType, seq, body));
  }

  private transcriptHash(): Uint8Array {
    return this.provider.digest(this.suite?.hash ?? 'sha256', concatBytes(this.transcript));
  }

  private transcribe(m: HandshakeMessage): void {
    this.transcript.push(wholeMessageHeader(m.msgType, m.messageSeq, m.body.length), m.body);
  }

  private onMessage(m: HandshakeMessage): { name: string; flightEnd: boolean } {
    const name = messageName(m.msgType);
    try {
      switch (m.msgType) {
        case typeNumber('client_hello'): {
          const hello = decodeClientHello(m.body);
          const groups: KeyExchangeGroup[] = [];
          for (const e of hello.extensions)
            if (e.extensionType === 'supported_groups')
              groups.push(...GROUPS.filter((g) => e.extensionData.namedGroupList.includes(g)));
          this.offer = {
            random: hello.random,
            suites: hello.cipherSuites,
            groups,
            extendedMaster: hello.extensions.some((e) => e.extensionType === 'extended_master_secret'),
            renegotiationInfo:
              hello.extensions.some((e) => e.extensionType === 'renegotiation_info') ||
              hello.cipherSuites.includes('tls_empty_renegotiation_info_scsv'),
          };
          // Each ClientHello starts the transcript again (the first and our HelloVerifyRequest are not in it, §4.2.6).
          this.transcript = [];
          this.transcribe(m);
          return { name, flightEnd: true };
        }
        case typeNumber('client_key_exchange'):
          this.transcribe(m);
          this.onClientKeyExchange(decodeClientKeyExchangeEcdhe(m.body).ecdhYc);
          return { name, flightEnd: false };
        case typeNumber('certificate'): {
          this.transcribe(m);
          return {
            name: decodeTls12Certificate(m.body).certificateList.length === 0 ? 'EmptyCertificate' : name,
            flightEnd: false,
          };
        }
        case typeNumber('finished'):
          this.transcribe(m);
          return { name, flightEnd: true };
        default:
          this.transcribe(m);
          return { name, flightEnd: false };
      }
    } catch {
      return { name: `${name}(malformed)`, flightEnd: true };
    }
  }

  /** The client's share: the premaster secret with ours, the master secret (extended when agreed) and the key block. */
  private onClientKeyExchange(clientPublic: Uint8Array): void {
    const share = this.share;
    const suite = this.suite;
    const offer = this.offer;
    if (share === undefined || suite === undefined || offer === undefined) return;
    let premaster: Uint8Array;
    try {
      premaster = share.deriveSecret(clientPublic);
    } catch {
      return;
    }
    this.master = offer.extendedMaster
      ? extendedMasterSecret(this.provider, suite.hash, premaster, this.transcriptHash())
      : masterSecret(this.provider, suite.hash, premaster, offer.random, this.random);
    this.keys = keyBlock(this.provider, suite, this.master, offer.random, this.random);
  }
}
