import { TlmExtension } from '../tlm/index.js';
import type { CryptoOp } from './crypto-ops.js';

/** An empty list of operations or datagrams, shared: a call or command with none allocates nothing. */
export const NONE: readonly never[] = Object.freeze([]);

/**
 * A crypto engine command: the operations one request runs back to back (a
 * descriptor chain: the key schedule's HKDF steps, or one record's AEAD and
 * mask). The real operations already ran; the engine charges their time.
 */
export class CryptoCommand extends TlmExtension {
  ops: readonly CryptoOp[] = NONE;

  static of(ops: readonly CryptoOp[]): CryptoCommand {
    const c = new CryptoCommand();
    c.ops = ops;
    return c;
  }

  clone(): CryptoCommand {
    return CryptoCommand.of([...this.ops]);
  }

  copyFrom(other: CryptoCommand): void {
    this.ops = [...other.ops];
  }
}

/** What a record layer call sends: sealing work and the datagrams it produced. */
export interface Outbound {
  readonly connection: number;
  /** AEAD seals and masks of the records being sent. */
  readonly ops: readonly CryptoOp[];
  readonly datagrams: readonly Uint8Array[];
}

/**
 * Work for the handshake engine from one real connection call: the
 * handshake messages it consumed and built, their crypto, the traffic keys
 * it installed, and the flight to hand back to the record layer.
 */
export class HandshakeWork extends TlmExtension {
  connection = 0;
  messages = 0;
  ops: readonly CryptoOp[] = [];
  keysInstalled = 0;
  outbound: Outbound | undefined = undefined;

  clone(): HandshakeWork {
    const w = new HandshakeWork();
    w.copyFrom(this);
    return w;
  }

  copyFrom(other: HandshakeWork): void {
    this.connection = other.connection;
    this.messages = other.messages;
    this.ops = [...other.ops];
    this.keysInstalled = other.keysInstalled;
    this.outbound = other.outbound;
  }
}
