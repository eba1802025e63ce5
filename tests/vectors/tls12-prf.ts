/**
 * Test vectors: the TLS 1.2 PRF (RFC 5246 §5) with P_SHA256 and P_SHA384.
 *
 * Source: the "TLS 1.2 PRF test vectors" posted to the IETF TLS working
 * group list (Joseph Birr-Pixton, 2013; www.ietf.org/mail-archive/web/tls/
 * current/msg03416.html), which implementations use to test their PRF. The
 * outputs were checked again against Debian's OpenSSL 3.0:
 * `openssl kdf -keylen 100 -kdfopt digest:SHA256 -kdfopt hexsecret:… -kdfopt
 * seed:"test label" -kdfopt hexseed:… TLS1-PRF` (and 148 bytes with SHA384).
 */

export interface PrfVector {
  readonly hash: 'sha256' | 'sha384';
  readonly secret: string;
  readonly seed: string;
  readonly label: string;
  readonly output: string;
}

export const PRF_VECTORS: readonly PrfVector[] = [
  {
    hash: 'sha256',
    secret: '9bbe436ba940f017b17652849a71db35',
    seed: 'a0ba9f936cda311827a6f796ffd5198c',
    label: 'test label',
    output:
      'e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a6b301791e90d35c9c9a46b4e14baf9af0fa022f7077def17abfd3797c0564bab' +
      '4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff70187347b66',
  },
  {
    hash: 'sha384',
    secret: 'b80b733d6ceefcdc71566ea48e5567df',
    seed: 'cd665cf6a8447dd6ff8b27555edb7465',
    label: 'test label',
    output:
      '7b0c18e9ced410ed1804f2cfa34a336a1c14dffb4900bb5fd7942107e81c83cde9ca0faa60be9fe34f82b1233c9146a0e534cb400fed2700884f9dc236f80edd' +
      '8bfa961144c9e8d792eca722a7b32fc3d416d473ebc2c5fd4abfdad05d9184259b5bf8cd4d90fa0d31e2dec479e4f1a26066f2eea9a69236a3e52655c9e9aee6' +
      '91c8f3a26854308d5eaa3be85e0990703d73e56f',
  },
];
