/** Results that are functions of a certificate's bytes alone, kept weakly per parsed DER, bounded per certificate. */
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
