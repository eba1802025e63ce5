/**
 * Results that are functions of a certificate's bytes alone (and of a small key: an issuer, a host name, a purpose),
 * remembered per parsed certificate. Keyed weakly by the DER copy `parseCertificate` keeps, which every later parse of
 * the same bytes shares while that copy is in its cache: a client meeting the same server chain on each handshake
 * checks each such thing once. A copy dropped from the parse cache takes its results with it; at most `perCertificate`
 * keys are kept per certificate (the oldest half dropped beyond that), so a peer cannot grow one without bound.
 */
export class CertificateMemo<K, V extends object | boolean | null> {
  private readonly byCertificate = new WeakMap<Uint8Array, Map<K, V>>();
  private readonly perCertificate: number;

  constructor(perCertificate: number) {
    this.perCertificate = perCertificate;
  }

  /** The result for `der` (a parsed certificate's own copy) and `key`, computed by `compute` the first time. */
  get<A>(der: Uint8Array, key: K, compute: (arg: A) => V, arg: A): V {
    let known = this.byCertificate.get(der);
    if (known === undefined) this.byCertificate.set(der, (known = new Map()));
    const hit = known.get(key);
    if (hit !== undefined) return hit;
    const value = compute(arg);
    if (known.size >= this.perCertificate) {
      let drop = known.size >> 1;
      for (const k of known.keys()) {
        if (drop-- <= 0) break;
        known.delete(k);
      }
    }
    known.set(key, value);
    return value;
  }
}
