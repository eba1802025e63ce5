/**
 * An ICE-lite agent (RFC 8445 §2.5, §7.3): it has one host candidate, sends
 * no checks of its own, answers the full agent's Binding requests, and uses
 * the candidate pair the full agent nominates (USE-CANDIDATE). Being lite,
 * it is always the controlled agent.
 */
import {
  ATTR,
  BINDING,
  attribute,
  encodeStun,
  errorCode,
  fingerprintValid,
  integrityValid,
  parseStun,
  xorMappedAddress,
} from './stun.js';

export interface IceCredentials {
  readonly ufrag: string;
  readonly pwd: string;
}

export interface RemoteAddress {
  readonly address: string;
  readonly port: number;
}

/** What a STUN datagram led to: a reply to send back (if any), and whether it nominated its pair. */
export interface IceOutcome {
  readonly reply?: Uint8Array;
  readonly nominated?: RemoteAddress;
}

export class IceLiteAgent {
  readonly local: IceCredentials;
  readonly remote: IceCredentials;
  /** The addresses whose checks we answered: DTLS and SRTP are taken from these only. */
  private readonly validated = new Set<string>();
  /** The pair the controlling agent nominated, once it has. */
  nominated: RemoteAddress | undefined;

  constructor(local: IceCredentials, remote: IceCredentials) {
    this.local = local;
    this.remote = remote;
  }

  /** Whether a check from `address:port` succeeded. */
  isValidated(address: string, port: number): boolean {
    return this.validated.has(`${address}|${port}`);
  }

  /** One STUN datagram from `address:port`: anything but a well-formed, authenticated Binding request is answered with an error or dropped. */
  receive(datagram: Uint8Array, address: string, port: number): IceOutcome {
    const m = parseStun(datagram);
    // §7.3: no FINGERPRINT, or a wrong one, is not ICE's STUN: dropped. So are indications (keepalives) and answers to checks we never send.
    if (m === undefined || m.method !== BINDING || m.cls !== 'request' || !fingerprintValid(m)) return {};
    const fail = (code: 400 | 401, reason: string): IceOutcome => ({
      reply: encodeStun({
        cls: 'error',
        method: BINDING,
        transactionId: m.transactionId,
        attributes: [{ type: ATTR.ERROR_CODE, value: errorCode(code, reason) }],
      }),
    });
    const username = attribute(m, ATTR.USERNAME);
    if (username === undefined || attribute(m, ATTR.MESSAGE_INTEGRITY) === undefined)
      return fail(400, 'USERNAME and MESSAGE-INTEGRITY required');
    // RFC 8445 §7.3: USERNAME is "our ufrag:their ufrag", and the integrity key is our password (RFC 8489 §9.1.3).
    if (
      Buffer.from(username).toString('utf8') !== `${this.local.ufrag}:${this.remote.ufrag}` ||
      !integrityValid(m, this.local.pwd)
    )
      return fail(401, 'Unauthenticated');
    // A lite agent is always controlled (§6.1.1); a full agent that says it is controlled too has its role wrong.
    if (attribute(m, ATTR.ICE_CONTROLLING) === undefined)
      return fail(400, 'ICE-CONTROLLING required with an ICE-lite peer');
    this.validated.add(`${address}|${port}`);
    const nominating = attribute(m, ATTR.USE_CANDIDATE) !== undefined;
    if (nominating) this.nominated = { address, port };
    const reply = encodeStun({
      cls: 'success',
      method: BINDING,
      transactionId: m.transactionId,
      attributes: [{ type: ATTR.XOR_MAPPED_ADDRESS, value: xorMappedAddress(address, port, m.transactionId) }],
      password: this.local.pwd,
    });
    return nominating ? { reply, nominated: { address, port } } : { reply };
  }
}
