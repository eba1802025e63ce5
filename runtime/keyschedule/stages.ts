import type { CryptoProvider } from '../crypto/provider.js';
import { deriveSecret, deriveSecrets, emptyHash, hashLen, type ScheduleContext } from './context.js';

/** The TLS 1.3 key schedule (RFC 8446 §7.1) as three stages, each yielding only the secrets that exist then. */

/** The labels derived together over one transcript hash (RFC 8446 §7.1). */
const HANDSHAKE_TRAFFIC_LABELS = ['c hs traffic', 's hs traffic'] as const;
const APPLICATION_LABELS = ['c ap traffic', 's ap traffic', 'exp master'] as const;

abstract class Stage {
  protected readonly ctx: ScheduleContext;
  private value: Uint8Array | undefined;

  protected constructor(ctx: ScheduleContext, secret: Uint8Array) {
    this.ctx = ctx;
    this.value = secret;
  }

  /** This stage's secret (Early Secret, Handshake Secret or Master Secret). */
  get secret(): Uint8Array {
    if (!this.value) throw new Error('key schedule stage was released');
    return this.value;
  }

  protected derive(label: string, transcriptHash: Uint8Array): Uint8Array {
    return deriveSecret(this.ctx, this.secret, label, transcriptHash);
  }

  /** The input salt of the next stage: Derive-Secret(., "derived", ""). */
  protected derived(): Uint8Array {
    return this.derive('derived', emptyHash(this.ctx));
  }

  /** Zero this stage's secret; it can't be used afterwards. */
  release(): void {
    this.value?.fill(0);
    this.value = undefined;
  }
}

/** Without a PSK the Early Secret and its derived salt are constants of the hash: computed once per provider, copied. */
interface NoPskConstants {
  readonly earlySecret: Uint8Array;
  readonly derived: Uint8Array;
}

const noPskConstants = new WeakMap<CryptoProvider, Map<string, NoPskConstants>>();

export class EarlyStage extends Stage {
  /** Whether this stage started without a PSK (its secret is then the constant above). */
  private readonly noPsk: boolean;

  private constructor(ctx: ScheduleContext, secret: Uint8Array, noPsk: boolean) {
    super(ctx, secret);
    this.noPsk = noPsk;
  }

  /** Early Secret = HKDF-Extract(0, PSK), with HashLen zeros when there is no PSK. */
  static start(ctx: ScheduleContext, psk?: Uint8Array): EarlyStage {
    if (psk === undefined) return new EarlyStage(ctx, EarlyStage.constants(ctx).earlySecret.slice(), true);
    return new EarlyStage(ctx, ctx.provider.hkdfExtract(ctx.hash, new Uint8Array(hashLen(ctx)), psk), false);
  }

  private static constants(ctx: ScheduleContext): NoPskConstants {
    let byKind = noPskConstants.get(ctx.provider);
    if (byKind === undefined) noPskConstants.set(ctx.provider, (byKind = new Map()));
    const kind = `${ctx.hash} ${ctx.prefix}`;
    let constants = byKind.get(kind);
    if (constants === undefined) {
      const zeros = new Uint8Array(hashLen(ctx));
      const early = new EarlyStage(ctx, ctx.provider.hkdfExtract(ctx.hash, zeros, zeros), false);
      constants = { earlySecret: early.secret.slice(), derived: early.derived() };
      early.release();
      byKind.set(kind, constants);
    }
    return constants;
  }

  /** binder_key: "ext binder" for external PSKs, "res binder" for resumption (RFC 8446 §7.1). */
  binderKey(kind: 'external' | 'resumption'): Uint8Array {
    return this.derive(kind === 'external' ? 'ext binder' : 'res binder', emptyHash(this.ctx));
  }

  clientEarlyTrafficSecret(clientHelloHash: Uint8Array): Uint8Array {
    return this.derive('c e traffic', clientHelloHash);
  }

  earlyExporterMasterSecret(clientHelloHash: Uint8Array): Uint8Array {
    return this.derive('e exp master', clientHelloHash);
  }

  /** Handshake Secret = HKDF-Extract(Derive-Secret(Early, "derived", ""), (EC)DHE), zeros for PSK-only. */
  handshake(sharedSecret?: Uint8Array): HandshakeStage {
    const salt = this.noPsk ? EarlyStage.constants(this.ctx).derived.slice() : this.derived();
    return new HandshakeStage(
      this.ctx,
      this.ctx.provider.hkdfExtract(this.ctx.hash, salt, sharedSecret ?? new Uint8Array(hashLen(this.ctx))),
    );
  }
}

export class HandshakeStage extends Stage {
  /** The stage of a Handshake Secret; {@link EarlyStage.handshake} makes it. */
  constructor(ctx: ScheduleContext, secret: Uint8Array) {
    super(ctx, secret);
  }

  /** client_handshake_traffic_secret, over ClientHello...ServerHello. */
  clientHandshakeTrafficSecret(helloHash: Uint8Array): Uint8Array {
    return this.derive('c hs traffic', helloHash);
  }

  /** server_handshake_traffic_secret, over ClientHello...ServerHello. */
  serverHandshakeTrafficSecret(helloHash: Uint8Array): Uint8Array {
    return this.derive('s hs traffic', helloHash);
  }

  /** Both handshake traffic secrets, client's then server's, in one batch (the provider's call where it has one). */
  handshakeTrafficSecrets(helloHash: Uint8Array): { readonly client: Uint8Array; readonly server: Uint8Array } {
    const [client, server] = deriveSecrets(this.ctx, this.secret, HANDSHAKE_TRAFFIC_LABELS, helloHash);
    return { client: client!, server: server! };
  }

  /** Master Secret = HKDF-Extract(Derive-Secret(Handshake, "derived", ""), 0). */
  master(): MasterStage {
    return new MasterStage(
      this.ctx,
      this.ctx.provider.hkdfExtract(this.ctx.hash, this.derived(), new Uint8Array(hashLen(this.ctx))),
    );
  }
}

export class MasterStage extends Stage {
  /** The stage of a Master Secret; {@link HandshakeStage.master} makes it. */
  constructor(ctx: ScheduleContext, secret: Uint8Array) {
    super(ctx, secret);
  }

  /** client_application_traffic_secret_0, over ClientHello...server Finished. */
  clientApplicationTrafficSecret(serverFinishedHash: Uint8Array): Uint8Array {
    return this.derive('c ap traffic', serverFinishedHash);
  }

  /** server_application_traffic_secret_0, over ClientHello...server Finished. */
  serverApplicationTrafficSecret(serverFinishedHash: Uint8Array): Uint8Array {
    return this.derive('s ap traffic', serverFinishedHash);
  }

  exporterMasterSecret(serverFinishedHash: Uint8Array): Uint8Array {
    return this.derive('exp master', serverFinishedHash);
  }

  /** Both application traffic secrets and the exporter master secret, in one batch as above. */
  applicationSecrets(serverFinishedHash: Uint8Array): {
    readonly client: Uint8Array;
    readonly server: Uint8Array;
    readonly exporter: Uint8Array;
  } {
    const [client, server, exporter] = deriveSecrets(this.ctx, this.secret, APPLICATION_LABELS, serverFinishedHash);
    return { client: client!, server: server!, exporter: exporter! };
  }

  /** resumption_master_secret, over ClientHello...client Finished. */
  resumptionMasterSecret(clientFinishedHash: Uint8Array): Uint8Array {
    return this.derive('res master', clientFinishedHash);
  }
}
