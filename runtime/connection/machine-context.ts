import { cidActions } from '../cid/cid-actions.js';
import type { FatalReason } from './alert-mapping.js';
import type { ConnectionParts } from './connection-parts.js';
import type { Session } from './key-material.js';
import type { SessionAccess, SharedEvent } from './session-actions.js';

type CidTable = ReturnType<typeof cidActions<SharedEvent>>;

/**
 * What a handshake step gets besides its state and event: the connection's
 * parts and the reason it is failing (the fatal-alert step sends it). One
 * per connection, made by role-driver.ts; it holds no state of the machine
 * (the state is the step's argument).
 */
export class MachineContext {
  readonly parts: ConnectionParts;
  /** The reason `DtlsConnection.fail` was given (RoleDriver.fail), for its `fail` event's fatal-alert step. */
  failing: FatalReason | undefined;
  private cid: { readonly table: CidTable; readonly current: { session: Session | undefined } } | undefined;

  constructor(parts: ConnectionParts) {
    this.parts = parts;
  }

  /** The reason `DtlsConnection.fail` was given, if it was. */
  failure(): FatalReason | undefined {
    return this.failing;
  }

  /** The CID actions (RFC 9147 §9, RFC 9853) of this connection, for the connected `session`: made the first time one runs (most connections never use one). */
  cidActions(session: Session): CidTable {
    if (!this.cid) {
      const current: { session: Session | undefined } = { session: undefined };
      const access: SessionAccess<SharedEvent> = { session: () => current.session, effect: (fn) => (args, params) => fn(args.event, params) };
      this.cid = { table: cidActions(this.parts, access), current };
    }
    this.cid.current.session = session;
    return this.cid.table;
  }
}
