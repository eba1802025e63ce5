/*
 * SO_REUSEPORT sockets for a server on several event loops (listen's
 * `workers`), and the classic BPF program that steers a datagram carrying a
 * connection ID to the socket of the worker the CID names
 * (runtime/cid/cid-owner.ts has the CID's layout). node:dgram on Node 20 has
 * no reusePort, so the sockets are made here (udp-socket.c) and handed to
 * node:dgram by file descriptor (socket.bind({ fd })).
 * Linux only; elsewhere every call reports -ENOSYS.
 */
#define _GNU_SOURCE
#include "reuseport.h"

#include <errno.h>
#include <string.h>

#ifdef __linux__
#include <fcntl.h>
#include <linux/filter.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef SO_ATTACH_REUSEPORT_CBPF
#define SO_ATTACH_REUSEPORT_CBPF 51
#endif

int reuseport_steer(int fd, int worker_offset) {
  if (worker_offset < 1 || worker_offset > 255) return -EINVAL;
  struct sock_filter code[] = {
      /* A = payload[0] (the program sees the UDP payload: the kernel pulled the UDP header) */
      BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 0),
      /* DTLS 1.2 tls12_cid record (RFC 9146 §4): its CID after type, version, epoch and sequence number */
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 25, 4, 0),
      /* DTLS 1.3 unified header with a CID: 001 C=1 S L EE */
      BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 0xf0),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x30, 0, 4),
      /* A = the CID's worker byte: the socket's number in the group (a short datagram ends the program with 0) */
      BPF_STMT(BPF_LD | BPF_B | BPF_ABS, (uint32_t)worker_offset),
      BPF_STMT(BPF_RET | BPF_A, 0),
      /* the tls12_cid record's worker byte: the CID's second byte, at 11 + 1 */
      BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 12),
      BPF_STMT(BPF_RET | BPF_A, 0),
      /* past any group's last socket: the kernel's hash decides */
      BPF_STMT(BPF_RET | BPF_K, 0xffffffffu),
  };
  struct sock_fprog program = {.len = sizeof code / sizeof code[0], .filter = code};
  if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_REUSEPORT_CBPF, &program, sizeof program) != 0) return -errno;
  return 0;
}

int reuseport_local_port(int fd) {
  struct sockaddr_storage storage;
  socklen_t length = sizeof storage;
  if (getsockname(fd, (struct sockaddr *)&storage, &length) != 0) return -errno;
  if (storage.ss_family == AF_INET) return ntohs(((struct sockaddr_in *)&storage)->sin_port);
  if (storage.ss_family == AF_INET6) return ntohs(((struct sockaddr_in6 *)&storage)->sin6_port);
  return -EAFNOSUPPORT;
}

int reuseport_close(int fd) { return close(fd) == 0 ? 0 : -errno; }

int reuseport_dup(int fd) {
  int copy = fcntl(fd, F_DUPFD_CLOEXEC, 0);
  return copy >= 0 ? copy : -errno;
}
#else
int reuseport_steer(int fd, int worker_offset) {
  (void)fd;
  (void)worker_offset;
  return -ENOSYS;
}
int reuseport_local_port(int fd) {
  (void)fd;
  return -ENOSYS;
}
int reuseport_close(int fd) {
  (void)fd;
  return -ENOSYS;
}
int reuseport_dup(int fd) {
  (void)fd;
  return -ENOSYS;
}
#endif
