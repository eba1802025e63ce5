{
  "targets": [
    {
      "target_name": "dtls13_native",
      "sources": ["src/addon.c", "src/aes-gcm.c", "src/bind-kdf.c", "src/bind-keys.c", "src/bind-platform.c", "src/bind-record.c", "src/bind-record12.c", "src/bind-udp.c", "src/chacha20-block.c", "src/chacha20-poly1305.c", "src/cipher.c", "src/ecdsa.c", "src/external-tag.c", "src/clock.c", "src/handle-table.c", "src/kdf.c", "src/napi-call.c", "src/napi-handles.c", "src/owned-bytes.cc", "src/record.c", "src/record12.c", "src/reuseport.c", "src/udp.c", "src/udp-receive.c", "src/udp-socket.c", "src/x25519.c", "src/x25519-ahead.c"],
      "cflags": ["-O2", "-Wall", "-Wextra"],
      "cflags_c": ["-std=c11"],
      # Never unloaded: Node lets go of a worker's addons before its heap is torn down, and records' ArrayBuffers
      # freed then call back into the addon (owned-bytes.cc). The C++ standard is Node's own (common.gypi).
      "ldflags": ["-Wl,-z,nodelete"],
      # dlsym (x25519.c): in glibc's libc since 2.34, in libdl before.
      "libraries": ["-ldl"],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
