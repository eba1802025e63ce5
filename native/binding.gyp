{
  "targets": [
    {
      "target_name": "dtls13_native",
      "sources": ["src/addon.c", "src/cipher.c", "src/clock.c", "src/handle-table.c", "src/kdf.c", "src/record.c", "src/record12.c", "src/reuseport.c", "src/udp.c", "src/udp-receive.c", "src/x25519.c"],
      "cflags": ["-O2", "-Wall", "-Wextra", "-std=c11"],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
