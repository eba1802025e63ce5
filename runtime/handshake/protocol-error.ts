import type { AlertDescriptionName } from '../../generated/wire/enums.js';

/** A well-formed message the protocol does not allow (RFC 8446 §6.2), with the alert to answer. */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  readonly alert: AlertDescriptionName;

  constructor(alert: AlertDescriptionName, message: string) {
    super(`${alert}: ${message}`);
    this.alert = alert;
  }
}
