/**
 * A conversation dissected while it happens (`--msg`, `--trace`): the
 * version is not known from the first datagram, since a ClientHello reads
 * the same in 1.2 and 1.3. It is dissected as 1.3 until a datagram says
 * otherwise (version-sniff.ts: a HelloVerifyRequest, a ServerHello without
 * supported_versions, a ChangeCipherSpec or a tls12_cid record); then the
 * datagrams seen so far are replayed, unprinted, into a 1.2 conversation,
 * which takes over. Their records read alike up to that point.
 */
import type { CryptoProvider } from '../../runtime/crypto/provider.js';
import { Conversation } from './conversation.js';
import { Conversation12 } from './conversation12.js';
import type { KeyLog } from './key-log.js';
import type { RecordView } from './record-view.js';
import { datagramVersion } from './version-sniff.js';

type Role = 'client' | 'server';

export class LiveConversation {
  private current: Conversation | Conversation12;
  /** The datagrams seen while the version is undecided, for the replay. */
  private undecided: { from: Role; datagram: Uint8Array }[] | undefined = [];
  private readonly keyLog: KeyLog;
  private readonly provider: CryptoProvider;

  constructor(keyLog: KeyLog, provider: CryptoProvider) {
    this.keyLog = keyLog;
    this.provider = provider;
    this.current = new Conversation(keyLog, provider);
  }

  /** The records of one datagram the `from` side sent. */
  dissect(from: Role, datagram: Uint8Array): RecordView[] {
    if (this.undecided !== undefined) {
      const version = datagramVersion(datagram);
      if (version === '1.2') {
        const c12 = new Conversation12(this.keyLog, this.provider);
        for (const seen of this.undecided) c12.dissect(seen.from, seen.datagram);
        this.current = c12;
      }
      this.undecided = version === undefined ? [...this.undecided, { from, datagram }] : undefined;
    }
    return this.current.dissect(from, datagram);
  }
}
