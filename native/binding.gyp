{
  "targets": [
    {
      "target_name": "dtls13_native",
      "sources": ["src/addon.c", "src/cipher.c", "src/clock.c", "src/handle-table.c", "src/kdf.c", "src/owned-bytes.cc", "src/record.c", "src/record12.c", "src/reuseport.c", "src/udp.c", "src/udp-receive.c", "src/x25519.c"],
      "cflags": ["-O2", "-Wall", "-Wextra"],
      "cflags_c": ["-std=c11"],
      "cflags_cc": ["-std=c++17"],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
