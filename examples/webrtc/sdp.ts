/**
 * The little of SDP (RFC 8866) a WebRTC answerer needs: from the offer, the
 * ICE credentials, the DTLS fingerprints (RFC 8122) and the media sections;
 * and an answer that is ICE-lite (RFC 8839 §5.3) with one host candidate,
 * takes a DTLS role (RFC 8842: the offerer says actpass, the answerer picks
 * active or passive) and receives each audio or video section on its first
 * codec. Other sections (data channels) are declined with port 0.
 */
import type { IceCredentials } from './ice-lite.js';

export type DtlsSetup = 'active' | 'passive';

export interface MediaSection {
  readonly kind: string;
  readonly protocol: string;
  readonly mid: string;
  /** Its first payload type's a=rtpmap and a=fmtp lines (without "a="). */
  readonly codecLines: readonly string[];
  readonly firstPayloadType: string;
  readonly direction: 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';
}

export interface Offer {
  readonly ice: IceCredentials;
  /** Each `a=fingerprint` as dtls13's `fingerprint` option takes it: `'sha-256 AB:CD:...'`. */
  readonly fingerprints: readonly string[];
  readonly setup: string;
  readonly media: readonly MediaSection[];
}

const DIRECTIONS = ['sendrecv', 'sendonly', 'recvonly', 'inactive'] as const;

/** Reads an offer; a string saying what is missing when it is not one this answerer can take. */
export function parseOffer(sdp: string): Offer | string {
  const sections: string[][] = [[]];
  for (const line of sdp.split(/\r?\n/)) {
    if (line.startsWith('m=')) sections.push([]);
    if (line.length > 0) sections.at(-1)!.push(line);
  }
  const [session = [], ...mediaLines] = sections;
  const value = (lines: readonly string[], name: string): string | undefined =>
    (lines.find((l) => l.startsWith(`a=${name}:`)) ?? session.find((l) => l.startsWith(`a=${name}:`)))
      ?.slice(name.length + 3)
      .trim();
  const first = mediaLines[0] ?? [];
  const ufrag = value(first, 'ice-ufrag');
  const pwd = value(first, 'ice-pwd');
  const setup = value(first, 'setup');
  const fingerprints = [...session, ...first]
    .filter((l) => l.startsWith('a=fingerprint:'))
    .map((l) => l.slice('a=fingerprint:'.length).trim());
  if (ufrag === undefined || pwd === undefined) return 'no a=ice-ufrag / a=ice-pwd';
  if (fingerprints.length === 0) return 'no a=fingerprint';
  if (setup === undefined) return 'no a=setup';
  const media: MediaSection[] = [];
  for (const lines of mediaLines) {
    const [kind = '', , protocol = '', ...formats] = lines[0]!.slice(2).split(' ');
    const pt = formats[0] ?? '';
    media.push({
      kind,
      protocol,
      mid: value(lines, 'mid') ?? String(media.length),
      firstPayloadType: pt,
      codecLines: lines
        .filter((l) => l.startsWith(`a=rtpmap:${pt} `) || l.startsWith(`a=fmtp:${pt} `))
        .map((l) => l.slice(2)),
      direction: DIRECTIONS.find((d) => lines.includes(`a=${d}`)) ?? 'sendrecv',
    });
  }
  if (media.length === 0) return 'no m= section';
  return { ice: { ufrag, pwd }, fingerprints, setup, media };
}

export interface AnswerParameters {
  readonly ice: IceCredentials;
  /** Our certificate's fingerprint, `'sha-256 AB:CD:...'`. */
  readonly fingerprint: string;
  readonly setup: DtlsSetup;
  /** Our one host candidate. */
  readonly address: string;
  readonly port: number;
}

const answerDirection = {
  sendrecv: 'recvonly',
  sendonly: 'recvonly',
  recvonly: 'inactive',
  inactive: 'inactive',
} as const;

/** An answer: RTP sections bundled on our one candidate, everything else declined. */
export function answer(offer: Offer, p: AnswerParameters): string {
  const ip = p.address.includes(':') ? 'IP6' : 'IP4';
  const taken = offer.media.filter((m) => (m.kind === 'audio' || m.kind === 'video') && m.protocol.includes('RTP/'));
  const lines = [
    'v=0',
    `o=- ${Date.now()} 1 IN ${ip} ${p.address}`,
    's=-',
    't=0 0',
    'a=ice-lite',
    `a=group:BUNDLE ${taken.map((m) => m.mid).join(' ')}`,
  ];
  for (const m of offer.media) {
    if (!taken.includes(m)) {
      lines.push(
        `m=${m.kind} 0 ${m.protocol} ${m.firstPayloadType || '0'}`,
        `c=IN ${ip} ${p.address}`,
        `a=mid:${m.mid}`,
      );
      continue;
    }
    lines.push(
      `m=${m.kind} ${p.port} ${m.protocol} ${m.firstPayloadType}`,
      `c=IN ${ip} ${p.address}`,
      `a=mid:${m.mid}`,
      `a=ice-ufrag:${p.ice.ufrag}`,
      `a=ice-pwd:${p.ice.pwd}`,
      `a=fingerprint:${p.fingerprint}`,
      `a=setup:${p.setup}`,
      'a=rtcp-mux',
      `a=${answerDirection[m.direction]}`,
      ...m.codecLines.map((l) => `a=${l}`),
      `a=candidate:1 1 udp 2130706431 ${p.address} ${p.port} typ host`,
      'a=end-of-candidates',
    );
  }
  return lines.join('\r\n') + '\r\n';
}
