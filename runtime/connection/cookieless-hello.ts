/**
 * A server without the cookie exchange (listen's `cookies: false`) still keeps RFC 9147 §5.1's rule: until the
 * client's address is validated it sends at most three times the bytes it received. A certificate flight is often
 * larger than three ClientHellos (dtls13's own ClientHello is 186 bytes; its P-256 1.3 flight 789), and a flight that
 * does not fit waits for the client's retransmission (its timer, a second or more) to raise the budget. This part
 * picks the ClientHellos whose answer would not fit and sends them through the cookie exchange after all: one round
 * trip instead of a retransmission timer. The rest (a small flight, a resumption offer, a server with no certificate
 * of its own) start at once, as `cookies: false` asks.
 *
 * The flight is estimated, not built: its chain, the signature its key makes, and the handshake's other messages and
 * headers (constants measured from dtls13's own flights, tests/connection/cookieless-hello.test.ts). Close to the flight,
 * and higher rather than lower where it errs: an estimate too high costs one round trip, one too low the timer.
 */
import type { KeyObject } from 'node:crypto';
import type { ClientHello } from '../../generated/wire/client-hello.js';
import { AMPLIFICATION_FACTOR } from '../shared/amplification-limit.js';
import { parseCertificate } from '../pki/certification-path.js';
import type { DtlsVersionName } from '../versions/versions.js';

/**
 * What a first flight takes beyond its chain and its signature, per version: ServerHello (with a key share in 1.3),
 * 1.3's EncryptedExtensions and Finished or 1.2's ServerKeyExchange (with its public key) and ServerHelloDone,
 * handshake and record headers, and 1.3's record protection. Rounded up from dtls13's flights.
 */
const FLIGHT_BEYOND_CHAIN: Readonly<Record<DtlsVersionName, number>> = { 'DTLSv1.3': 300, 'DTLSv1.2': 210 };
/** Each certificate's own length field, and 1.3's extensions field beside it. */
const PER_CERTIFICATE: Readonly<Record<DtlsVersionName, number>> = { 'DTLSv1.3': 5, 'DTLSv1.2': 3 };

/** The largest signature `key` makes: RSA's modulus, ECDSA's two integers in DER, EdDSA's fixed length. */
function signatureBytes(key: KeyObject): number {
  const details = key.asymmetricKeyDetails;
  switch (key.asymmetricKeyType) {
    case 'rsa':
    case 'rsa-pss':
      return Math.ceil((details?.modulusLength ?? 2048) / 8);
    case 'ec': {
      const curve = details?.namedCurve;
      const field = curve === 'secp521r1' ? 66 : curve === 'secp384r1' ? 48 : 32;
      return 2 * field + 9;
    }
    case 'ed448':
      return 114;
    default:
      return 64;
  }
}

/** The bytes of a first flight with `chain` (DER, leaf first), estimated (see the file's comment). */
export function certificateFlightBytes(chain: readonly Uint8Array[], version: DtlsVersionName): number {
  const leaf = chain[0] === undefined ? undefined : parseCertificate(chain[0], 'certificate');
  const signature = leaf === undefined || typeof leaf === 'string' ? 64 : signatureBytes(leaf.x509.publicKey);
  let bytes = FLIGHT_BEYOND_CHAIN[version] + signature;
  for (const c of chain) bytes += c.length + PER_CERTIFICATE[version];
  return bytes;
}

/** A ClientHello that offers to resume (a 1.3 PSK, a 1.2 session ID or ticket): its flight carries no certificate. */
function offersResumption(hello: ClientHello): boolean {
  if (hello.legacySessionId.length > 0 && hello.legacyCookie.length === 0 && !offers13(hello)) return true;
  return hello.extensions.some(
    (e) =>
      e.extensionType === 'pre_shared_key' ||
      (e.extensionType === 'session_ticket' && e.extensionData.ticket.length > 0),
  );
}

function offers13(hello: ClientHello): boolean {
  return hello.extensions.some((e) => e.extensionType === 'supported_versions');
}

/** Which ClientHellos a cookieless server sends through the cookie exchange anyway. */
export class CookielessHello {
  private readonly flight: Readonly<Record<DtlsVersionName, number>> | undefined;

  /** `chain`: the server's certificate chain; undefined (PSK or raw public keys only, names chosen by `sni`): never. */
  constructor(chain: readonly Uint8Array[] | undefined) {
    this.flight =
      chain === undefined
        ? undefined
        : {
            'DTLSv1.3': certificateFlightBytes(chain, 'DTLSv1.3'),
            'DTLSv1.2': certificateFlightBytes(chain, 'DTLSv1.2'),
          };
  }

  /**
   * Whether `hello`, which came in `bytes` (the datagram, or every fragment of it), goes through the cookie exchange:
   * it carries a cookie (from our exchange: checked there), or its answer would not fit three times its bytes.
   */
  wantsCookie(version: DtlsVersionName, hello: ClientHello, bytes: number): boolean {
    if (hello.legacyCookie.length > 0 || hello.extensions.some((e) => e.extensionType === 'cookie')) return true;
    if (this.flight === undefined || offersResumption(hello)) return false;
    return this.flight[version] > AMPLIFICATION_FACTOR * bytes;
  }
}
