import { hashLength } from '../crypto/suites.js';
import { exportKeyingMaterial } from '../keyschedule/derived-keys.js';
import type { Exporter } from './connection-facts.js';
import type { Session } from './key-material.js';

/**
 * The exporter of a connected 1.3 session (RFC 8446 §7.5, RFC 5705 as TLS 1.3 defines it), installed in the common
 * state as the machine reaches `connected` (role-driver.ts) and taken away when it leaves it: bytes from the
 * exporter_master_secret, `label` and `context` (absent and empty differ only in TLS 1.2; here both hash the empty
 * string), at most HKDF-Expand's 255 × the hash length. DtlsConnection checks the arguments. An object over the
 * session, no closure (an idle session holds no functions of its own).
 */
export class Exporter13 implements Exporter {
  readonly maxLength: number;
  private readonly session: Session;

  constructor(session: Session) {
    this.session = session;
    this.maxLength = 255 * hashLength(session.schedule.hash);
  }

  derive(label: string, context: Uint8Array | undefined, length: number): Uint8Array {
    const s = this.session;
    return exportKeyingMaterial(s.schedule, s.exporterSecret, label, context, length);
  }
}
