/** What a session that negotiated DTLS 1.2 cannot do, asked of it: a typed error naming the feature and why. */

/** A DTLS 1.3 feature asked of a session that negotiated DTLS 1.2. */
export class Dtls12FeatureError extends Error {
  override readonly name = 'Dtls12FeatureError';
  readonly code = 'ERR_DTLS_NOT_IN_DTLS12';
  /** What was asked (`updateKeys`, `requestClientCertificate`, ...). */
  readonly feature: string;
  constructor(feature: string, why: string) {
    super(`${feature}: this session negotiated DTLS 1.2, which ${why}`);
    this.feature = feature;
  }
}

/** `rebind` on a 1.2 session without a CID from the server (RFC 9146): the server would see a new peer. */
export function rebindRefused12(): Dtls12FeatureError {
  return new Dtls12FeatureError(
    'rebind',
    'without a connection ID from the server (RFC 9146) cannot move to another address: the server would see a new peer',
  );
}

/** Why each DTLS 1.3 feature is not in DTLS 1.2. */
const WHY_NOT_IN_DTLS12 = {
  updateKeys: 'has no KeyUpdate (RFC 8446 §4.6.3): its keys last the session; renegotiation is refused (RFC 5746)',
  requestClientCertificate:
    'has no post-handshake authentication (RFC 8446 §4.6.2): ask for the certificate in the handshake (requestCert)',
  issueConnectionIds:
    'has no NewConnectionId message (RFC 9147 §9 is DTLS 1.3): an RFC 9146 CID is fixed at the handshake',
  requestConnectionIds: 'has no RequestConnectionId message (RFC 9147 §9 is DTLS 1.3)',
} as const;

/** A call only DTLS 1.3 has (its post-handshake messages). */
export type Dtls13Feature = keyof typeof WHY_NOT_IN_DTLS12;

/** The error for `feature`, a DTLS 1.3 call, asked of a 1.2 session. */
export function notInDtls12(feature: Dtls13Feature): Dtls12FeatureError {
  return new Dtls12FeatureError(feature, WHY_NOT_IN_DTLS12[feature]);
}
