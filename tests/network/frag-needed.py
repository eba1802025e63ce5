"""ICMP fragmentation-needed (RFC 792 type 3 code 4, RFC 1191's next-hop MTU) about a UDP datagram from SRC:SPORT to
DST:DPORT, sent to SRC as a router on the path would send it. Needs root (a raw socket).

    python3 frag-needed.py SRC SPORT DST DPORT MTU
"""
import socket
import struct
import sys


def checksum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    total = (total >> 16) + (total & 0xFFFF)
    total += total >> 16
    return ~total & 0xFFFF


src, sport, dst, dport, mtu = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
# The start of the datagram the router could not forward: its IPv4 header (Don't Fragment set) and UDP header.
too_big = mtu + 100
ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, too_big, 0, 0x4000, 64, 17, 0, socket.inet_aton(src), socket.inet_aton(dst))
ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
udp = struct.pack("!HHHH", sport, dport, too_big - 20, 0)
icmp = struct.pack("!BBHHH", 3, 4, 0, 0, mtu) + ip + udp
icmp = icmp[:2] + struct.pack("!H", checksum(icmp)) + icmp[4:]
with socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP) as raw:
    raw.sendto(icmp, (src, 0))
