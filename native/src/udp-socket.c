/*
 * UDP sockets made by the addon and handed to node:dgram: the workers'
 * SO_REUSEPORT group (reuseport.c), and a client's socket, which node:dgram
 * on Node 20 cannot bind without loading node:cluster first (a fresh
 * process's first handshake paid it).
 */
#define _GNU_SOURCE
#include "udp-socket.h"

#include <errno.h>
#include <string.h>

#ifdef __linux__
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

int udp_socket_bind(const uint8_t *address, int address_length, int port, int v6only, int reuse_port) {
  struct sockaddr_storage storage;
  socklen_t length;
  int family;
  memset(&storage, 0, sizeof storage);
  if (address_length == 4) {
    struct sockaddr_in *a = (struct sockaddr_in *)&storage;
    a->sin_family = AF_INET;
    a->sin_port = htons((uint16_t)port);
    memcpy(&a->sin_addr, address, 4);
    length = sizeof *a;
    family = AF_INET;
  } else if (address_length == 16) {
    struct sockaddr_in6 *a = (struct sockaddr_in6 *)&storage;
    a->sin6_family = AF_INET6;
    a->sin6_port = htons((uint16_t)port);
    memcpy(&a->sin6_addr, address, 16);
    length = sizeof *a;
    family = AF_INET6;
  } else
    return -EINVAL;
  int fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -errno;
  int one = 1;
  if (reuse_port == UDP_REUSE_PORT_JOIN && setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0) goto failed;
  if (family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only) != 0) goto failed;
  if (bind(fd, (struct sockaddr *)&storage, length) != 0) goto failed;
  /* Bound alone first: a port no socket holds, not another group's (see udp-socket.h); then open to the group. */
  if (reuse_port == UDP_REUSE_PORT_FIRST && setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0) goto failed;
  return fd;
failed : {
  int e = errno;
  close(fd);
  return -e;
}
}
#else
int udp_socket_bind(const uint8_t *address, int address_length, int port, int v6only, int reuse_port) {
  (void)address;
  (void)address_length;
  (void)port;
  (void)v6only;
  (void)reuse_port;
  return -ENOSYS;
}
#endif
