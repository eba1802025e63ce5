/**
 * Whether a started peer is idle: every datagram sent to its UDP port has been read (the socket's receive queue in
 * /proc/net/udp and udp6 is empty) and every thread of its process and of the processes it started sleeps (state `S`
 * in /proc/PID/task/TID/stat). A peer in that state has taken our input in, done with it whatever it does at once,
 * and waits for more: what it sent in answer is already in our socket's queue. What it does not see is a timer the
 * peer set (a retransmission, an ACK sent late): a peer that answers on its timers within the wait is not idle in this
 * sense, and the step ending early loses that answer (session.ts, `endWhenIdle`). Linux only: elsewhere `idle` is
 * always false.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';

const UDP_TABLES = ['/proc/net/udp', '/proc/net/udp6'];

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * The bytes queued for reading on the sockets bound to UDP `port` (the tables' rx_queue), or undefined when no socket
 * of this machine is bound to it or the tables cannot be read.
 */
export function udpReceiveQueue(port: number): number | undefined {
  const hex = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  let found = false;
  let queued = 0;
  for (const file of UDP_TABLES) {
    const text = read(file);
    if (text === undefined) continue;
    for (const line of text.split('\n')) {
      const fields = line.trim().split(/\s+/);
      if (fields[1]?.endsWith(hex) !== true) continue;
      found = true;
      queued += parseInt(fields[4]?.split(':')[1] ?? 'ffffffff', 16);
    }
  }
  return found ? queued : undefined;
}

/** The state letter of a /proc stat line (after the command name in parentheses), or undefined. */
function stateOf(stat: string | undefined): string | undefined {
  if (stat === undefined) return undefined;
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
}

/** Whether every thread of `pid` and of its descendants sleeps; false when any cannot be read. */
export function processSleeps(pid: number): boolean {
  const tasks = (() => {
    try {
      return readdirSync(`/proc/${pid}/task`);
    } catch {
      return undefined;
    }
  })();
  if (tasks === undefined || tasks.length === 0) return false;
  for (const tid of tasks) {
    if (stateOf(read(`/proc/${pid}/task/${tid}/stat`)) !== 'S') return false;
    const children = read(`/proc/${pid}/task/${tid}/children`);
    if (children === undefined) return false;
    for (const child of children
      .trim()
      .split(/\s+/)
      .filter((c) => c !== '')) {
      if (!processSleeps(Number(child))) return false;
    }
  }
  return true;
}

/** Whether this machine can tell (Linux's /proc with the UDP tables and the children lists). */
export function idleDetectable(): boolean {
  return existsSync(UDP_TABLES[0]!) && existsSync(`/proc/${process.pid}/task/${process.pid}/children`);
}

/** The peer process `pid` listening on UDP `port` is idle: its receive queue empty, every thread asleep. */
export function peerIdle(pid: number, port: number): boolean {
  return udpReceiveQueue(port) === 0 && processSleeps(pid);
}
