import { hashLength } from '../crypto/suites.js';
import { exportKeyingMaterial } from '../keyschedule/derived-keys.js';
import type { Exporter } from '../shared/connection-facts.js';
import type { Session } from '../shared/key-material.js';

/**
 * The exporter of a connected 1.3 session (RFC 8446 §7.5): at most HKDF-Expand's 255 × the hash length; absent and
 * empty `context` both hash the empty string. An object, not a closure: an idle session holds no functions.
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
