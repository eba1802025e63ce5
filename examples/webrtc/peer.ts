/**
 * One WebRTC peer on one UDP socket, as the answerer: ICE-lite, dtls13 for
 * DTLS-SRTP, and the SRTP packets the other side sends, authenticated and
 * opened with the keys dtls13 exports. RFC 7983 §7 tells the three apart by
 * the first byte: 0..3 STUN, 20..63 DTLS, 128..191 RTP and RTCP.
 */
import { createSocket, type Socket } from 'node:dgram';
import { randomBytes, X509Certificate } from 'node:crypto';
import {
  connect,
  createThrowawayIdentity,
  DatagramTransport,
  listen,
  type DtlsListener,
  type DtlsSession,
  type KeyExchangeGroup,
} from '../../runtime/index.js';
import { srtpKeyingMaterial, type SrtpProfileName } from '../../runtime/sans-io.js';
import { IceLiteAgent, type RemoteAddress } from './ice-lite.js';
import { answer, parseOffer, type DtlsSetup } from './sdp.js';
import { isRtp, srtpReceiver, type RtpPacket, type SrtpReceiver } from './srtp.js';

export interface PeerOptions {
  /** Our DTLS role: `passive` is the DTLS server, `active` the client (RFC 8842). */
  readonly setup: DtlsSetup;
  readonly maxVersion?: 'DTLSv1.2' | 'DTLSv1.3';
  /** The use_srtp profiles we take, in our order (default: the three WebRTC uses). */
  readonly srtp?: readonly SrtpProfileName[];
  /** Our one host candidate's address (default 127.0.0.1). */
  readonly host?: string;
  /** The key exchange groups we offer or take, in our order (default: dtls13's). */
  readonly groups?: readonly KeyExchangeGroup[];
}

const identity = createThrowawayIdentity({ serverName: 'webrtc-example', caName: 'webrtc-example' });
const certificate = identity.chain[0]!;
const iceString = (bytes: number): string => randomBytes(bytes).toString('base64url').replace(/[-_]/g, '+');

export class WebRtcPeer {
  /** The SDP answer to give back to the offerer. */
  readonly answer: string;
  /** Settles when DTLS is up: the session, its version and SRTP profile. */
  readonly opened: Promise<DtlsSession>;
  /** Each RTP packet that authenticated under the exported keys, decrypted, with the datagram it came in. */
  onrtp: (packet: RtpPacket, datagram: Uint8Array) => void = () => {};
  private readonly socket: Socket;
  private readonly ice: IceLiteAgent;
  private readonly transport: DatagramTransport;
  private listener: DtlsListener | undefined;
  private session: DtlsSession | undefined;
  /** The other side's SRTP stream, once DTLS has exported its keys. */
  receiver: SrtpReceiver | undefined;

  /** A peer answering `offerSdp`; throws an Error naming what the offer lacks. */
  static async answer(offerSdp: string, options: PeerOptions): Promise<WebRtcPeer> {
    const offer = parseOffer(offerSdp);
    if (typeof offer === 'string') throw new Error(`not an offer this peer takes: ${offer}`);
    if (!offer.media.some((m) => m.kind === 'audio' || m.kind === 'video'))
      throw new Error('the offer has no audio or video section');
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, options.host ?? '127.0.0.1', resolve));
    return new WebRtcPeer(socket, offer.ice, offer.fingerprints, options, (ice, port) =>
      answer(offer, {
        ice,
        fingerprint: `sha-256 ${new X509Certificate(certificate).fingerprint256}`,
        setup: options.setup,
        address: options.host ?? '127.0.0.1',
        port,
      }),
    );
  }

  private constructor(
    socket: Socket,
    remoteIce: { ufrag: string; pwd: string },
    fingerprints: readonly string[],
    options: PeerOptions,
    makeAnswer: (ice: { ufrag: string; pwd: string }, port: number) => string,
  ) {
    this.socket = socket;
    this.ice = new IceLiteAgent({ ufrag: iceString(6), pwd: iceString(18) }, remoteIce);
    this.answer = makeAnswer(this.ice.local, socket.address().port);
    // As the DTLS server, one association whichever checked pair carries it: the browser's ICE agent moves to another
    // pair when it selects one (a better candidate's check succeeded, or a network went away), mid-handshake too, and
    // dtls13's listener places a datagram by the address it came from. So each DTLS datagram is handed over as from the
    // pair the first one came over, and ours go back over the pair the browser sent from last.
    let dtlsAt: RemoteAddress | undefined;
    let lastFrom: RemoteAddress | undefined;
    this.transport = new DatagramTransport((d, address, port) => {
      const to = options.setup === 'passive' && lastFrom !== undefined ? lastFrom : { address, port };
      socket.send(d, to.port, to.address);
    }, socket.address());
    const dtls = {
      cert: [...identity.chain],
      key: identity.privateKey,
      fingerprint: [...fingerprints],
      srtp: [...(options.srtp ?? ['SRTP_AEAD_AES_256_GCM', 'SRTP_AEAD_AES_128_GCM', 'SRTP_AES128_CM_SHA1_80'])],
      transport: this.transport,
      ...(options.maxVersion ? { maxVersion: options.maxVersion } : {}),
      ...(options.groups ? { groups: [...options.groups] } : {}),
    };
    let started: (session: DtlsSession) => void = () => {};
    const session = new Promise<DtlsSession>((resolve) => (started = resolve));
    if (options.setup === 'passive') this.listener = listen((s) => started(s), dtls);
    // As the DTLS client we start once ICE has nominated a pair, and follow the pair if it is nominated anew (RFC 8445 §8.1.1).
    let connecting = false;
    const nominated = (to: RemoteAddress): void => {
      if (options.setup !== 'active') return;
      if (connecting) return this.transport.moveRemote(to.address, to.port);
      connecting = true;
      started(connect(to.address, to.port, dtls));
    };
    this.opened = session.then(async (s) => {
      this.session = s;
      await s.opened;
      const profile = s.srtpProfile as SrtpProfileName | undefined;
      if (profile !== undefined) {
        // The other side's keys: the DTLS client's when we are the server (RFC 5764 §4.2).
        const k = srtpKeyingMaterial(s, profile);
        this.receiver =
          options.setup === 'passive'
            ? srtpReceiver(profile, k.clientKey, k.clientSalt)
            : srtpReceiver(profile, k.serverKey, k.serverSalt);
      }
      return s;
    });
    this.opened.catch(() => {}); // the caller awaits it; a peer nobody awaits must not crash the process
    socket.on('message', (datagram, from) => {
      const first = datagram[0] ?? 255;
      if (first <= 3) {
        const { reply, nominated: pair } = this.ice.receive(datagram, from.address, from.port);
        if (reply) socket.send(reply, from.port, from.address);
        if (pair) nominated(pair);
      } else if (!this.ice.isValidated(from.address, from.port)) {
        return; // DTLS and SRTP only from a pair whose check succeeded
      } else if (DatagramTransport.isDtls(datagram)) {
        if (options.setup === 'passive') {
          lastFrom = { address: from.address, port: from.port };
          dtlsAt ??= lastFrom;
          this.transport.receive(datagram, dtlsAt.address, dtlsAt.port);
        } else this.transport.receive(datagram, from.address, from.port);
      } else if (isRtp(datagram) && this.receiver) {
        const packet = this.receiver.open(datagram);
        if (packet) this.onrtp(packet, datagram);
      }
    });
  }

  async close(): Promise<void> {
    await this.session?.close().catch(() => {});
    await this.listener?.close();
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }
}
