import type { Socket } from 'node:dgram';

/*
 * A socket's Don't Fragment mode as its sends keep it: `enum udp_df` of native/src/udp.h, handed to the addon's send in
 * its status array and written back. A UDP GSO send needs DF on every segment (native/src/udp.c); every other datagram
 * must leave as under Linux's default IP_PMTUDISC_WANT, fragmented when longer than the path MTU.
 *
 * A socket the application made is switched to IP_PMTUDISC_DO around each GSO send and back (two socket-option reads
 * and two writes a send). One the library made for its own sends ({@link madeByLibrary}: a `connect()` client's, a
 * listener's own) stays in DO from one GSO send to the next, and WANT is put back before anything else leaves it: the
 * addon's sendmmsg does that itself, and a send through node:dgram asks {@link KeptDf.beforeDgram} first. node:dgram
 * may write such a datagram later (after a name lookup's tick, or once the socket is writable again), so while one is
 * under way the GSO sends switch DO on and off per call again.
 */

/** An application's socket: DO around each GSO send, the mode read each time. */
const DF_SWITCH = -1;
/** The library's socket, its mode not read yet. */
const DF_UNREAD = 0;
/** The library's socket in WANT: the next GSO send leaves it in DO. */
const DF_WANT = 1;
/** The library's socket left in DO by a GSO send. */
const DF_KEPT = 2;
/** The library's socket in WANT while node:dgram sends of it are under way: DO only around each GSO send. */
const DF_HELD = 4;

/** The sockets the library made and only it sends on. */
const made = new WeakSet<Socket>();

/** Marks `socket` as made by the library for its own sends only (before its first send); returns it. */
export function madeByLibrary(socket: Socket): Socket {
  made.add(socket);
  return socket;
}

/** The Don't Fragment mode of one socket's sends (one per runtime/node/datagram-io.ts DatagramIo). */
export class KeptDf {
  private mode: number;
  private readonly want: ((fd: number) => number) | undefined;
  /** node:dgram sends of the socket handed over and not yet called back. */
  private underWay = 0;
  private readonly settled = (): void => {
    this.underWay--;
  };

  /** `want`: the addon's udpDfWant, without which every socket is switched per send. */
  constructor(socket: Socket, want: ((fd: number) => number) | undefined) {
    this.want = want;
    this.mode = want !== undefined && made.has(socket) ? DF_UNREAD : DF_SWITCH;
  }

  /** What the addon's send is handed (status[1]). */
  forSend(): number {
    return this.underWay > 0 && this.mode === DF_WANT ? DF_HELD : this.mode;
  }

  /** What the addon's send wrote back (status[1]). */
  sent(mode: number): void {
    this.mode = mode === DF_HELD ? DF_WANT : mode;
  }

  /**
   * Before `n` datagrams go to node:dgram on descriptor `fd` (undefined: closed, nothing to put back): WANT put back
   * where a GSO send left DO. Returns the callback to hand node:dgram for each in place of `sent`, which counts it
   * back.
   */
  beforeDgram(fd: number | undefined, n: number, sent: (error?: Error | null) => void): (error?: Error | null) => void {
    if (this.mode === DF_SWITCH || n <= 0) return sent;
    if (this.mode === DF_KEPT) this.mode = fd !== undefined && this.want!(fd) === 0 ? DF_WANT : DF_SWITCH;
    this.underWay += n;
    const settled = this.settled;
    return (error) => {
      settled();
      sent(error);
    };
  }
}
