import type { FatalReason } from './alert-mapping.js';
import type { ConnectionParts } from './connection-parts.js';

/**
 * What a handshake step gets besides its state and event: the connection's parts and the reason it is failing (the
 * fatal-alert step sends it). One per connection, made by role-driver.ts; it holds no state of the machine (the state
 * is the step's argument).
 */
export class MachineContext {
  readonly parts: ConnectionParts;
  /** The reason `DtlsConnection.fail` was given (RoleDriver.fail), for its `fail` event's fatal-alert step. */
  failing: FatalReason | undefined;

  constructor(parts: ConnectionParts) {
    this.parts = parts;
  }

  /** The reason `DtlsConnection.fail` was given, if it was. */
  failure(): FatalReason | undefined {
    return this.failing;
  }
}
