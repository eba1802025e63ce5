/**
 * Test vectors: RFC 8448 §3 ("Simple 1-RTT Handshake") and §4 ("Resumed 0-RTT
 * Handshake") key-schedule values.
 *
 * Source: RFC 8448 "Example Handshake Traces for TLS 1.3", Sections 3 and 4.
 * The hex values below are copied from the RFC text, concatenated across the
 * RFC's line and page breaks and lowercased. Every value with a printed
 * "(N octets)" length was checked to have exactly N octets.
 *
 * `blocks` holds every "{client}/{server} ..." block of §3 and §4 whose fields
 * are key-schedule values (x25519 key pairs, HKDF extract/expand steps, traffic
 * key derivations, Finished and PSK binder calculations). Blocks that only dump
 * whole handshake messages or records ("construct a ... handshake message",
 * "send ... record") and the field-less "(same as client/server)" blocks are
 * omitted.
 *
 * Notes on the RFC text:
 * - The "extract secret 'early'" blocks print the salt as `salt:  0 (all zero
 *   octets)` with no length; per RFC 8446 §7.1 "0" is Hash.length (32) zero
 *   octets, which is what is stored here. (HKDF-Extract gives the same result
 *   for an empty salt.)
 * - In "generate resumption secret 'tls13 resumption'" the field printed as
 *   `hash (2 octets)` is really the HKDF-Expand-Label context, i.e. the
 *   NewSessionTicket ticket_nonce (00 00).
 * - In §4 the "construct a ClientHello handshake message" block prints only
 *   477 octets: the ClientHello truncated before the binders (identical to the
 *   "ClientHello prefix" of the PSK binder block). The full 512-octet
 *   ClientHello is in the "send handshake record" payload.
 * - The PSK binder is printed as a Finished calculation: PRK = binder_key
 *   (Derive-Secret(early, "res binder", "")), expanded = its finished key,
 *   finished = the binder value (HMAC over "binder hash").
 * - Fields printed as "(0 octets):  (empty)" are ''.
 */

export interface Rfc8448Block {
  readonly section: '3' | '4';
  readonly title: string;
  readonly fields: Readonly<Record<string, string>>;
}

export const blocks: readonly Rfc8448Block[] = [
  // RFC 8448 §3, page 3
  {
    section: '3',
    title: '{client} create an ephemeral x25519 key pair:',
    fields: {
      'private key': '49af42ba7f7994852d713ef2784bcbcaa7911de26adc5642cb634540e7ea5005',
      'public key': '99381de560e4bd43d23d8e435a7dbafeb3c06e51c13cae4d5413691e529aaf2c',
    },
  },
  // RFC 8448 §3, page 4
  {
    section: '3',
    title: '{server} extract secret "early":',
    fields: {
      salt: '0000000000000000000000000000000000000000000000000000000000000000', // printed as "0 (all zero octets)"
      IKM: '0000000000000000000000000000000000000000000000000000000000000000',
      secret: '33ad0a1c607ec03b09e6cd9893680ce210adf300aa1f2660e1b22e10f170f92a',
    },
  },
  // RFC 8448 §3, page 5
  {
    section: '3',
    title: '{server} create an ephemeral x25519 key pair:',
    fields: {
      'private key': 'b1580eeadf6dd589b8ef4f2d5652578cc810e9980191ec8d058308cea216a21e',
      'public key': 'c9828876112095fe66762bdbf7c672e156d6cc253b833df1dd69b1b04e751f0f',
    },
  },
  // RFC 8448 §3, page 5
  {
    section: '3',
    title: '{server} derive secret for handshake "tls13 derived":',
    fields: {
      PRK: '33ad0a1c607ec03b09e6cd9893680ce210adf300aa1f2660e1b22e10f170f92a',
      hash: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      info: '00200d746c733133206465726976656420e3b0c44298fc1c149afbf4c8996fb9' + '2427ae41e4649b934ca495991b7852b855',
      expanded: '6f2615a108c702c5678f54fc9dbab69716c076189c48250cebeac3576c3611ba',
    },
  },
  // RFC 8448 §3, page 5
  {
    section: '3',
    title: '{server} extract secret "handshake":',
    fields: {
      salt: '6f2615a108c702c5678f54fc9dbab69716c076189c48250cebeac3576c3611ba',
      IKM: '8bd4054fb55b9d63fdfbacf9f04b9f0d35e6d63f537563efd46272900f89492d',
      secret: '1dc826e93606aa6fdc0aadc12f741b01046aa6b99f691ed221a9f0ca043fbeac',
    },
  },
  // RFC 8448 §3, page 5
  {
    section: '3',
    title: '{server} derive secret "tls13 c hs traffic":',
    fields: {
      PRK: '1dc826e93606aa6fdc0aadc12f741b01046aa6b99f691ed221a9f0ca043fbeac',
      hash: '860c06edc07858ee8e78f0e7428c58edd6b43f2ca3e6e95f02ed063cf0e1cad8',
      info:
        '002012746c7331332063206873207472616666696320860c06edc07858ee8e78' +
        'f0e7428c58edd6b43f2ca3e6e95f02ed063cf0e1cad8',
      expanded: 'b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21',
    },
  },
  // RFC 8448 §3, page 6
  {
    section: '3',
    title: '{server} derive secret "tls13 s hs traffic":',
    fields: {
      PRK: '1dc826e93606aa6fdc0aadc12f741b01046aa6b99f691ed221a9f0ca043fbeac',
      hash: '860c06edc07858ee8e78f0e7428c58edd6b43f2ca3e6e95f02ed063cf0e1cad8',
      info:
        '002012746c7331332073206873207472616666696320860c06edc07858ee8e78' +
        'f0e7428c58edd6b43f2ca3e6e95f02ed063cf0e1cad8',
      expanded: 'b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38',
    },
  },
  // RFC 8448 §3, page 6
  {
    section: '3',
    title: '{server} derive secret for master "tls13 derived":',
    fields: {
      PRK: '1dc826e93606aa6fdc0aadc12f741b01046aa6b99f691ed221a9f0ca043fbeac',
      hash: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      info: '00200d746c733133206465726976656420e3b0c44298fc1c149afbf4c8996fb9' + '2427ae41e4649b934ca495991b7852b855',
      expanded: '43de77e0c77713859a944db9db2590b53190a65b3ee2e4f12dd7a0bb7ce254b4',
    },
  },
  // RFC 8448 §3, page 6
  {
    section: '3',
    title: '{server} extract secret "master":',
    fields: {
      salt: '43de77e0c77713859a944db9db2590b53190a65b3ee2e4f12dd7a0bb7ce254b4',
      IKM: '0000000000000000000000000000000000000000000000000000000000000000',
      secret: '18df06843d13a08bf2a449844c5f8a478001bc4d4c627984d5a41da8d0402919',
    },
  },
  // RFC 8448 §3, page 7
  {
    section: '3',
    title: '{server} derive write traffic keys for handshake data:',
    fields: {
      PRK: 'b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38',
      'key info': '001009746c733133206b657900',
      'key expanded': '3fce516009c21727d0f2e4e86ee403bc',
      'iv info': '000c08746c73313320697600',
      'iv expanded': '5d313eb2671276ee13000b30',
    },
  },
  // RFC 8448 §3, page 8
  {
    section: '3',
    title: '{server} calculate finished "tls13 finished":',
    fields: {
      PRK: 'b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38',
      hash: '',
      info: '00200e746c7331332066696e697368656400',
      expanded: '008d3b66f816ea559f96b537e885c31fc068bf492c652f01f288a1d8cdc19fc8',
      finished: '9b9b141d906337fbd2cbdce71df4deda4ab42c309572cb7fffee5454b78f0718',
    },
  },
  // RFC 8448 §3, page 10
  {
    section: '3',
    title: '{server} derive secret "tls13 c ap traffic":',
    fields: {
      PRK: '18df06843d13a08bf2a449844c5f8a478001bc4d4c627984d5a41da8d0402919',
      hash: '9608102a0f1ccc6db6250b7b7e417b1a000eaada3daae4777a7686c9ff83df13',
      info:
        '002012746c73313320632061702074726166666963209608102a0f1ccc6db625' +
        '0b7b7e417b1a000eaada3daae4777a7686c9ff83df13',
      expanded: '9e40646ce79a7f9dc05af8889bce6552875afa0b06df0087f792ebb7c17504a5',
    },
  },
  // RFC 8448 §3, page 10
  {
    section: '3',
    title: '{server} derive secret "tls13 s ap traffic":',
    fields: {
      PRK: '18df06843d13a08bf2a449844c5f8a478001bc4d4c627984d5a41da8d0402919',
      hash: '9608102a0f1ccc6db6250b7b7e417b1a000eaada3daae4777a7686c9ff83df13',
      info:
        '002012746c73313320732061702074726166666963209608102a0f1ccc6db625' +
        '0b7b7e417b1a000eaada3daae4777a7686c9ff83df13',
      expanded: 'a11af9f05531f856ad47116b45a950328204b4f44bfb6b3a4b4f1f3fcb631643',
    },
  },
  // RFC 8448 §3, page 11
  {
    section: '3',
    title: '{server} derive secret "tls13 exp master":',
    fields: {
      PRK: '18df06843d13a08bf2a449844c5f8a478001bc4d4c627984d5a41da8d0402919',
      hash: '9608102a0f1ccc6db6250b7b7e417b1a000eaada3daae4777a7686c9ff83df13',
      info:
        '002010746c73313320657870206d6173746572209608102a0f1ccc6db6250b7b' + '7e417b1a000eaada3daae4777a7686c9ff83df13',
      expanded: 'fe22f881176eda18eb8f44529e6792c50c9a3f89452f68d8ae311b4309d3cf50',
    },
  },
  // RFC 8448 §3, page 11
  {
    section: '3',
    title: '{server} derive write traffic keys for application data:',
    fields: {
      PRK: 'a11af9f05531f856ad47116b45a950328204b4f44bfb6b3a4b4f1f3fcb631643',
      'key info': '001009746c733133206b657900',
      'key expanded': '9f02283b6c9c07efc26bb9f2ac92e356',
      'iv info': '000c08746c73313320697600',
      'iv expanded': 'cf782b88dd83549aadf1e984',
    },
  },
  // RFC 8448 §3, page 11
  {
    section: '3',
    title: '{server} derive read traffic keys for handshake data:',
    fields: {
      PRK: 'b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21',
      'key info': '001009746c733133206b657900',
      'key expanded': 'dbfaa693d1762c5b666af5d950258d01',
      'iv info': '000c08746c73313320697600',
      'iv expanded': '5bd3c71b836e0b76bb73265f',
    },
  },
  // RFC 8448 §3, page 12
  {
    section: '3',
    title: '{client} derive secret for handshake "tls13 derived":',
    fields: {
      PRK: '33ad0a1c607ec03b09e6cd9893680ce210adf300aa1f2660e1b22e10f170f92a',
      hash: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      info: '00200d746c733133206465726976656420e3b0c44298fc1c149afbf4c8996fb9' + '2427ae41e4649b934ca495991b7852b855',
      expanded: '6f2615a108c702c5678f54fc9dbab69716c076189c48250cebeac3576c3611ba',
    },
  },
  // RFC 8448 §3, page 12
  {
    section: '3',
    title: '{client} calculate finished "tls13 finished":',
    fields: {
      PRK: 'b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21',
      hash: '',
      info: '00200e746c7331332066696e697368656400',
      expanded: 'b80ad01015fb2f0bd65ff7d4da5d6bf83f84821d1f87fdc7d3c75b5a7b42d9c4',
      finished: 'a8ec436d677634ae525ac1fcebe11a039ec17694fac6e98527b642f2edd5ce61',
    },
  },
  // RFC 8448 §3, page 13
  {
    section: '3',
    title: '{client} derive write traffic keys for application data:',
    fields: {
      PRK: '9e40646ce79a7f9dc05af8889bce6552875afa0b06df0087f792ebb7c17504a5',
      'key info': '001009746c733133206b657900',
      'key expanded': '17422dda596ed5d9acd890e3c63f5051',
      'iv info': '000c08746c73313320697600',
      'iv expanded': '5b78923dee08579033e523d9',
    },
  },
  // RFC 8448 §3, page 13
  {
    section: '3',
    title: '{client} derive secret "tls13 res master":',
    fields: {
      PRK: '18df06843d13a08bf2a449844c5f8a478001bc4d4c627984d5a41da8d0402919',
      hash: '209145a96ee8e2a122ff810047cc952684658d6049e86429426db87c54ad143d',
      info:
        '002010746c73313320726573206d617374657220209145a96ee8e2a122ff8100' + '47cc952684658d6049e86429426db87c54ad143d',
      expanded: '7df235f2031d2a051287d02b0241b0bfdaf86cc856231f2d5aba46c434ec196c',
    },
  },
  // RFC 8448 §3, page 14
  {
    section: '3',
    title: '{server} generate resumption secret "tls13 resumption":',
    fields: {
      PRK: '7df235f2031d2a051287d02b0241b0bfdaf86cc856231f2d5aba46c434ec196c',
      hash: '0000',
      info: '002010746c73313320726573756d7074696f6e020000',
      expanded: '4ecd0eb6ec3b4d87f5d6028f922ca4c5851a277fd41311c9e62d2c9492e1c4f3',
    },
  },
  // RFC 8448 §4, page 16
  {
    section: '4',
    title: '{client} create an ephemeral x25519 key pair:',
    fields: {
      'private key': 'bff91188283846dd6a2134ef7180ca2b0b14fb10dce707b5098c0dddc813b2df',
      'public key': 'e4ffb68ac05f8d96c99da26698346c6be16482badddafe051a66b4f18d668f0b',
    },
  },
  // RFC 8448 §4, page 16
  {
    section: '4',
    title: '{client} extract secret "early":',
    fields: {
      salt: '0000000000000000000000000000000000000000000000000000000000000000', // printed as "0 (all zero octets)"
      IKM: '4ecd0eb6ec3b4d87f5d6028f922ca4c5851a277fd41311c9e62d2c9492e1c4f3',
      secret: '9b2188e9b2fc6d64d71dc329900e20bb41915000f678aa839cbb797cb7d8332c',
    },
  },
  // RFC 8448 §4, page 17
  {
    section: '4',
    title: '{client} calculate PSK binder:',
    fields: {
      'ClientHello prefix':
        '010001fc03031bc3ceb6bbe39cff938355b5a50adb6db21b7a6af649d7b4bc41' +
        '9d7876487d95000006130113031302010001cd0000000b000900000673657276' +
        '6572ff01000100000a00140012001d0017001800190100010101020103010400' +
        '3300260024001d0020e4ffb68ac05f8d96c99da26698346c6be16482badddafe' +
        '051a66b4f18d668f0b002a0000002b0003020304000d0020001e040305030603' +
        '020308040805080604010501060102010402050206020202002d00020101001c' +
        '0002400100150057000000000000000000000000000000000000000000000000' +
        '0000000000000000000000000000000000000000000000000000000000000000' +
        '0000000000000000000000000000000000000000000000000000000000000000' +
        '2900dd00b800b22c035d829359ee5ff7af4ec900000000262a6494dc486d2c8a' +
        '34cb33fa90bf1b0070ad3c498883c9367c09a2be785abc55cd226097a3a98211' +
        '7283f82a03a143efd3ff5dd36d64e861be7fd61d2827db279cce145077d454a3' +
        '664d4e6da4d29ee03725a6a4dafcd0fc67d2aea70529513e3da2677fa5906c5b' +
        '3f7d8f92f228bda40dda721470f9fbf297b5aea617646fac5c03272e970727c6' +
        '21a79141ef5f7de6505e5bfbc388e93343694093934ae4d357fad6aacb',
      'binder hash': '63224b2e4573f2d3454ca84b9d009a04f6be9e05711a8396473aefa01e924a14',
      PRK: '69fe131a3bbad5d63c64eebcc30e395b9d8107726a13d074e389dbc8a4e47256',
      hash: '',
      info: '00200e746c7331332066696e697368656400',
      expanded: '5588673e72cb59c87d220caffe94f2dea9a3b1609f7d50e90a48227db9ed7eaa',
      finished: '3add4fb2d8fdf822a0ca3cf7678ef5e88dae990141c5924d57bb6fa31b9e5f9d',
    },
  },
  // RFC 8448 §4, page 19
  {
    section: '4',
    title: '{client} derive secret "tls13 c e traffic":',
    fields: {
      PRK: '9b2188e9b2fc6d64d71dc329900e20bb41915000f678aa839cbb797cb7d8332c',
      hash: '08ad0fa05d7c7233b1775ba2ff9f4c5b8b59276b7f227f13a976245f5d960913',
      info:
        '002011746c7331332063206520747261666669632008ad0fa05d7c7233b1775b' +
        'a2ff9f4c5b8b59276b7f227f13a976245f5d960913',
      expanded: '3fbbe6a60deb66c30a32795aba0eff7eaa10105586e7be5c09678d63b6caab62',
    },
  },
  // RFC 8448 §4, page 19
  {
    section: '4',
    title: '{client} derive secret "tls13 e exp master":',
    fields: {
      PRK: '9b2188e9b2fc6d64d71dc329900e20bb41915000f678aa839cbb797cb7d8332c',
      hash: '08ad0fa05d7c7233b1775ba2ff9f4c5b8b59276b7f227f13a976245f5d960913',
      info:
        '002012746c733133206520657870206d61737465722008ad0fa05d7c7233b177' +
        '5ba2ff9f4c5b8b59276b7f227f13a976245f5d960913',
      expanded: 'b2026866610937d7423e5be90862ccf24c0e6091186d34f812089ff5be2ef7df',
    },
  },
  // RFC 8448 §4, page 20
  {
    section: '4',
    title: '{client} derive write traffic keys for early application data:',
    fields: {
      PRK: '3fbbe6a60deb66c30a32795aba0eff7eaa10105586e7be5c09678d63b6caab62',
      'key info': '001009746c733133206b657900',
      'key expanded': '920205a5b7bf2115e6fc5c2942834f54',
      'iv info': '000c08746c73313320697600',
      'iv expanded': '6d475f0993c8e564610db2b9',
    },
  },
  // RFC 8448 §4, page 20
  {
    section: '4',
    title: '{server} create an ephemeral x25519 key pair:',
    fields: {
      'private key': 'de5b4476e7b490b2652d338acbf2948066f255f9440e23b98fc69835298dc107',
      'public key': '121761ee42c333e1b9e77b60dd57c2053cd94512ab47f115e86eff50942cea31',
    },
  },
  // RFC 8448 §4, page 21
  {
    section: '4',
    title: '{server} derive secret for handshake "tls13 derived":',
    fields: {
      PRK: '9b2188e9b2fc6d64d71dc329900e20bb41915000f678aa839cbb797cb7d8332c',
      hash: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      info: '00200d746c733133206465726976656420e3b0c44298fc1c149afbf4c8996fb9' + '2427ae41e4649b934ca495991b7852b855',
      expanded: '5f1790bbd82c5e7d376ed2e1e52f8e6038c9346db61b43be9a52f77ef3998e80',
    },
  },
  // RFC 8448 §4, page 21
  {
    section: '4',
    title: '{server} extract secret "handshake":',
    fields: {
      salt: '5f1790bbd82c5e7d376ed2e1e52f8e6038c9346db61b43be9a52f77ef3998e80',
      IKM: 'f44194756ff9ec9d25180635d66ea6824c6ab3bf179977be37f723570e7ccb2e',
      secret: '005cb112fd8eb4ccc623bb88a07c64b3ede1605363fc7d0df8c7ce4ff0fb4ae6',
    },
  },
  // RFC 8448 §4, page 21
  {
    section: '4',
    title: '{server} derive secret "tls13 c hs traffic":',
    fields: {
      PRK: '005cb112fd8eb4ccc623bb88a07c64b3ede1605363fc7d0df8c7ce4ff0fb4ae6',
      hash: 'f736cb34fe25e701551bee6fd24c1cc7102a7daf9405cb15d97aafe16f757d03',
      info:
        '002012746c7331332063206873207472616666696320f736cb34fe25e701551b' +
        'ee6fd24c1cc7102a7daf9405cb15d97aafe16f757d03',
      expanded: '2faac08f851d35fea3604fcb4de82dc62c9b164a70974d0462e27f1ab278700f',
    },
  },
  // RFC 8448 §4, page 21
  {
    section: '4',
    title: '{server} derive secret "tls13 s hs traffic":',
    fields: {
      PRK: '005cb112fd8eb4ccc623bb88a07c64b3ede1605363fc7d0df8c7ce4ff0fb4ae6',
      hash: 'f736cb34fe25e701551bee6fd24c1cc7102a7daf9405cb15d97aafe16f757d03',
      info:
        '002012746c7331332073206873207472616666696320f736cb34fe25e701551b' +
        'ee6fd24c1cc7102a7daf9405cb15d97aafe16f757d03',
      expanded: 'fe927ae271312e8bf0275b581c54eef020450dc4ecffaa05a1a35d27518e7803',
    },
  },
  // RFC 8448 §4, page 22
  {
    section: '4',
    title: '{server} derive secret for master "tls13 derived":',
    fields: {
      PRK: '005cb112fd8eb4ccc623bb88a07c64b3ede1605363fc7d0df8c7ce4ff0fb4ae6',
      hash: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      info: '00200d746c733133206465726976656420e3b0c44298fc1c149afbf4c8996fb9' + '2427ae41e4649b934ca495991b7852b855',
      expanded: 'e2f16030251df0874ba19b9aba257610bc6d531c1dd206df0ca6e84ae2a26742',
    },
  },
  // RFC 8448 §4, page 22
  {
    section: '4',
    title: '{server} extract secret "master":',
    fields: {
      salt: 'e2f16030251df0874ba19b9aba257610bc6d531c1dd206df0ca6e84ae2a26742',
      IKM: '0000000000000000000000000000000000000000000000000000000000000000',
      secret: 'e2d32d4ed66dd37897a0e80c84107503ce58bf8aad4cb55a5002d77ecb890ece',
    },
  },
  // RFC 8448 §4, page 23
  {
    section: '4',
    title: '{server} derive write traffic keys for handshake data:',
    fields: {
      PRK: 'fe927ae271312e8bf0275b581c54eef020450dc4ecffaa05a1a35d27518e7803',
      'key info': '001009746c733133206b657900',
      'key expanded': '27c6bdc0a3dcea39a47326d79bc9e4ee',
      'iv info': '000c08746c73313320697600',
      'iv expanded': '9569ecdd4d0536705e9ef725',
    },
  },
  // RFC 8448 §4, page 23
  {
    section: '4',
    title: '{server} calculate finished "tls13 finished":',
    fields: {
      PRK: 'fe927ae271312e8bf0275b581c54eef020450dc4ecffaa05a1a35d27518e7803',
      hash: '',
      info: '00200e746c7331332066696e697368656400',
      expanded: '4bb74cae7a5dc8914604c0bfbe2f0c062396883922bec8a15e2a9b532a5d392c',
      finished: '48d3e0e1b3d907c6acff145e16090388c77b05c050b634ab1a88bbd0dd1a34b2',
    },
  },
  // RFC 8448 §4, page 24
  {
    section: '4',
    title: '{server} derive secret "tls13 c ap traffic":',
    fields: {
      PRK: 'e2d32d4ed66dd37897a0e80c84107503ce58bf8aad4cb55a5002d77ecb890ece',
      hash: 'b0aeffc46a2cfe33114e6fd7d51f9f04b1ca3c497dab08934a774a9d9ad7dbf3',
      info:
        '002012746c7331332063206170207472616666696320b0aeffc46a2cfe33114e' +
        '6fd7d51f9f04b1ca3c497dab08934a774a9d9ad7dbf3',
      expanded: '2abbf2b8e381d23dbebe1dd2a7d16a8bf484cb4950d23fb7fb7fa8547062d9a1',
    },
  },
  // RFC 8448 §4, page 24
  {
    section: '4',
    title: '{server} derive secret "tls13 s ap traffic":',
    fields: {
      PRK: 'e2d32d4ed66dd37897a0e80c84107503ce58bf8aad4cb55a5002d77ecb890ece',
      hash: 'b0aeffc46a2cfe33114e6fd7d51f9f04b1ca3c497dab08934a774a9d9ad7dbf3',
      info:
        '002012746c7331332073206170207472616666696320b0aeffc46a2cfe33114e' +
        '6fd7d51f9f04b1ca3c497dab08934a774a9d9ad7dbf3',
      expanded: 'cc21f1bf8feb7dd5fa505bd9c4b468a9984d554a993dc49e6d285598fb672691',
    },
  },
  // RFC 8448 §4, page 25
  {
    section: '4',
    title: '{server} derive secret "tls13 exp master":',
    fields: {
      PRK: 'e2d32d4ed66dd37897a0e80c84107503ce58bf8aad4cb55a5002d77ecb890ece',
      hash: 'b0aeffc46a2cfe33114e6fd7d51f9f04b1ca3c497dab08934a774a9d9ad7dbf3',
      info:
        '002010746c73313320657870206d617374657220b0aeffc46a2cfe33114e6fd7' + 'd51f9f04b1ca3c497dab08934a774a9d9ad7dbf3',
      expanded: '3fd93d4ffddc98e64b14dd107aedf8ee4add23f4510f58a4592d0b201bee56b4',
    },
  },
  // RFC 8448 §4, page 25
  {
    section: '4',
    title: '{server} derive write traffic keys for application data:',
    fields: {
      PRK: 'cc21f1bf8feb7dd5fa505bd9c4b468a9984d554a993dc49e6d285598fb672691',
      'key info': '001009746c733133206b657900',
      'key expanded': 'e857c690a34c5a9129d833619684f95e',
      'iv info': '000c08746c73313320697600',
      'iv expanded': '0685d6b561aab9ef1013faf9',
    },
  },
  // RFC 8448 §4, page 25
  {
    section: '4',
    title: '{client} derive secret for handshake "tls13 derived":',
    fields: {
      PRK: '9b2188e9b2fc6d64d71dc329900e20bb41915000f678aa839cbb797cb7d8332c',
      hash: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      info: '00200d746c733133206465726976656420e3b0c44298fc1c149afbf4c8996fb9' + '2427ae41e4649b934ca495991b7852b855',
      expanded: '5f1790bbd82c5e7d376ed2e1e52f8e6038c9346db61b43be9a52f77ef3998e80',
    },
  },
  // RFC 8448 §4, page 26
  {
    section: '4',
    title: '{client} derive write traffic keys for handshake data:',
    fields: {
      PRK: '2faac08f851d35fea3604fcb4de82dc62c9b164a70974d0462e27f1ab278700f',
      'key info': '001009746c733133206b657900',
      'key expanded': 'b1530806f4adfeac83f1413032bbfa82',
      'iv info': '000c08746c73313320697600',
      'iv expanded': 'eb50c16be7654abf99dd06d9',
    },
  },
  // RFC 8448 §4, page 27
  {
    section: '4',
    title: '{client} calculate finished "tls13 finished":',
    fields: {
      PRK: '2faac08f851d35fea3604fcb4de82dc62c9b164a70974d0462e27f1ab278700f',
      hash: '',
      info: '00200e746c7331332066696e697368656400',
      expanded: '5ace394c26980d581243f627d1150ae27e37fa52364e0a7f20ac686d09cd0e8e',
      finished: '7230a9c952c25cd6138fc5e6628308c41c5335dd81b9f96bcea50fd32bda416d',
    },
  },
  // RFC 8448 §4, page 27
  {
    section: '4',
    title: '{client} derive write traffic keys for application data:',
    fields: {
      PRK: '2abbf2b8e381d23dbebe1dd2a7d16a8bf484cb4950d23fb7fb7fa8547062d9a1',
      'key info': '001009746c733133206b657900',
      'key expanded': '3cf122f301c6358ca7989553250efd72',
      'iv info': '000c08746c73313320697600',
      'iv expanded': 'ab1aec26aa78b8fc1176b9ac',
    },
  },
  // RFC 8448 §4, page 28
  {
    section: '4',
    title: '{client} derive secret "tls13 res master":',
    fields: {
      PRK: 'e2d32d4ed66dd37897a0e80c84107503ce58bf8aad4cb55a5002d77ecb890ece',
      hash: 'c3c122e0bd907a4a3ff6112d8fd53dbf89c773d9552e8b6b9d56d361b3a97bf6',
      info:
        '002010746c73313320726573206d617374657220c3c122e0bd907a4a3ff6112d' + '8fd53dbf89c773d9552e8b6b9d56d361b3a97bf6',
      expanded: '5e95bdf1f89005ea2e9aa0ba85e728e3c19c5fe0c699e3f5bee59faebd0b5406',
    },
  },
];

/**
 * Named values taken from `blocks` (same hex, repeated as literals for
 * readable tests). Each member's comment names the block title and field.
 */
export const named = {
  /** RFC 8448 §3, Simple 1-RTT Handshake. */
  simple: {
    /** §3 `{client} create an ephemeral x25519 key pair:` → `private key` */
    clientPrivateKey: '49af42ba7f7994852d713ef2784bcbcaa7911de26adc5642cb634540e7ea5005',
    /** §3 `{client} create an ephemeral x25519 key pair:` → `public key` */
    clientPublicKey: '99381de560e4bd43d23d8e435a7dbafeb3c06e51c13cae4d5413691e529aaf2c',
    /** §3 `{server} create an ephemeral x25519 key pair:` → `private key` */
    serverPrivateKey: 'b1580eeadf6dd589b8ef4f2d5652578cc810e9980191ec8d058308cea216a21e',
    /** §3 `{server} create an ephemeral x25519 key pair:` → `public key` */
    serverPublicKey: 'c9828876112095fe66762bdbf7c672e156d6cc253b833df1dd69b1b04e751f0f',
    /** §3 `{server} extract secret "handshake":` → `IKM` */
    sharedSecret: '8bd4054fb55b9d63fdfbacf9f04b9f0d35e6d63f537563efd46272900f89492d',
    /** §3 `{server} extract secret "early":` → `secret` */
    earlySecret: '33ad0a1c607ec03b09e6cd9893680ce210adf300aa1f2660e1b22e10f170f92a',
    /** §3 `{server} extract secret "handshake":` → `secret` */
    handshakeSecret: '1dc826e93606aa6fdc0aadc12f741b01046aa6b99f691ed221a9f0ca043fbeac',
    /** §3 `{server} extract secret "master":` → `secret` */
    masterSecret: '18df06843d13a08bf2a449844c5f8a478001bc4d4c627984d5a41da8d0402919',
    /** §3 `{server} derive secret "tls13 c hs traffic":` → `expanded` */
    clientHandshakeTrafficSecret: 'b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21',
    /** §3 `{server} derive secret "tls13 s hs traffic":` → `expanded` */
    serverHandshakeTrafficSecret: 'b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38',
    /** §3 `{server} derive secret "tls13 c ap traffic":` → `expanded` */
    clientApplicationTrafficSecret: '9e40646ce79a7f9dc05af8889bce6552875afa0b06df0087f792ebb7c17504a5',
    /** §3 `{server} derive secret "tls13 s ap traffic":` → `expanded` */
    serverApplicationTrafficSecret: 'a11af9f05531f856ad47116b45a950328204b4f44bfb6b3a4b4f1f3fcb631643',
    /** §3 `{server} derive secret "tls13 exp master":` → `expanded` */
    exporterMasterSecret: 'fe22f881176eda18eb8f44529e6792c50c9a3f89452f68d8ae311b4309d3cf50',
    /** §3 `{client} derive secret "tls13 res master":` → `expanded` */
    resumptionMasterSecret: '7df235f2031d2a051287d02b0241b0bfdaf86cc856231f2d5aba46c434ec196c',
    /** §3 `{server} derive write traffic keys for handshake data:` → `key expanded` */
    serverHandshakeKey: '3fce516009c21727d0f2e4e86ee403bc',
    /** §3 `{server} derive write traffic keys for handshake data:` → `iv expanded` */
    serverHandshakeIv: '5d313eb2671276ee13000b30',
    /** §3 `{server} derive read traffic keys for handshake data:` → `key expanded` */
    clientHandshakeKey: 'dbfaa693d1762c5b666af5d950258d01',
    /** §3 `{server} derive read traffic keys for handshake data:` → `iv expanded` */
    clientHandshakeIv: '5bd3c71b836e0b76bb73265f',
    /** §3 `{server} derive write traffic keys for application data:` → `key expanded` */
    serverApplicationKey: '9f02283b6c9c07efc26bb9f2ac92e356',
    /** §3 `{server} derive write traffic keys for application data:` → `iv expanded` */
    serverApplicationIv: 'cf782b88dd83549aadf1e984',
    /** §3 `{client} derive write traffic keys for application data:` → `key expanded` */
    clientApplicationKey: '17422dda596ed5d9acd890e3c63f5051',
    /** §3 `{client} derive write traffic keys for application data:` → `iv expanded` */
    clientApplicationIv: '5b78923dee08579033e523d9',
    /** §3 `{server} calculate finished "tls13 finished":` → `expanded` */
    serverFinishedKey: '008d3b66f816ea559f96b537e885c31fc068bf492c652f01f288a1d8cdc19fc8',
    /** §3 `{client} calculate finished "tls13 finished":` → `expanded` */
    clientFinishedKey: 'b80ad01015fb2f0bd65ff7d4da5d6bf83f84821d1f87fdc7d3c75b5a7b42d9c4',
    /** §3 `{server} derive secret "tls13 c hs traffic":` → `hash` (Transcript-Hash(ClientHello..ServerHello)) */
    helloHash: '860c06edc07858ee8e78f0e7428c58edd6b43f2ca3e6e95f02ed063cf0e1cad8',
    /** §3 `{server} derive secret "tls13 c ap traffic":` → `hash` (Transcript-Hash(ClientHello..server Finished)) */
    serverFinishedHash: '9608102a0f1ccc6db6250b7b7e417b1a000eaada3daae4777a7686c9ff83df13',
    /** §3 `{client} derive secret "tls13 res master":` → `hash` (Transcript-Hash(ClientHello..client Finished)) */
    clientFinishedHash: '209145a96ee8e2a122ff810047cc952684658d6049e86429426db87c54ad143d',
    /** §3 `{server} generate resumption secret "tls13 resumption":` → `hash` (printed as "hash"; it is the NewSessionTicket ticket_nonce) */
    ticketNonce: '0000',
    /** §3 `{server} generate resumption secret "tls13 resumption":` → `expanded` (HKDF-Expand-Label(resumption_master_secret, "resumption", ticket_nonce, 32)) */
    resumptionPsk: '4ecd0eb6ec3b4d87f5d6028f922ca4c5851a277fd41311c9e62d2c9492e1c4f3',
  },
  /** RFC 8448 §4, Resumed 0-RTT Handshake. */
  resumed: {
    /** §4 `{client} extract secret "early":` → `IKM` (equals simple.resumptionPsk) */
    psk: '4ecd0eb6ec3b4d87f5d6028f922ca4c5851a277fd41311c9e62d2c9492e1c4f3',
    /** §4 `{client} extract secret "early":` → `secret` */
    earlySecret: '9b2188e9b2fc6d64d71dc329900e20bb41915000f678aa839cbb797cb7d8332c',
    /** §4 `{client} calculate PSK binder:` → `PRK` (binder_key = Derive-Secret(early_secret, "res binder", "")) */
    binderKey: '69fe131a3bbad5d63c64eebcc30e395b9d8107726a13d074e389dbc8a4e47256',
    /** §4 `{client} calculate PSK binder:` → `expanded` (HKDF-Expand-Label(binder_key, "finished", "", 32)) */
    binderFinishedKey: '5588673e72cb59c87d220caffe94f2dea9a3b1609f7d50e90a48227db9ed7eaa',
    /** §4 `{client} calculate PSK binder:` → `binder hash` (SHA-256 of the ClientHello truncated before the binders) */
    binderHash: '63224b2e4573f2d3454ca84b9d009a04f6be9e05711a8396473aefa01e924a14',
    /** §4 `{client} calculate PSK binder:` → `finished` (the binder value carried in the ClientHello pre_shared_key extension) */
    binder: '3add4fb2d8fdf822a0ca3cf7678ef5e88dae990141c5924d57bb6fa31b9e5f9d',
    /** §4 `{client} derive secret "tls13 c e traffic":` → `expanded` */
    clientEarlyTrafficSecret: '3fbbe6a60deb66c30a32795aba0eff7eaa10105586e7be5c09678d63b6caab62',
    /** §4 `{client} derive secret "tls13 e exp master":` → `expanded` */
    earlyExporterMasterSecret: 'b2026866610937d7423e5be90862ccf24c0e6091186d34f812089ff5be2ef7df',
    /** §4 `{client} derive write traffic keys for early application data:` → `key expanded` */
    clientEarlyKey: '920205a5b7bf2115e6fc5c2942834f54',
    /** §4 `{client} derive write traffic keys for early application data:` → `iv expanded` */
    clientEarlyIv: '6d475f0993c8e564610db2b9',
    /** §4 `{server} extract secret "handshake":` → `IKM` (x25519 shared secret) */
    sharedSecret: 'f44194756ff9ec9d25180635d66ea6824c6ab3bf179977be37f723570e7ccb2e',
    /** §4 `{server} extract secret "handshake":` → `secret` */
    handshakeSecret: '005cb112fd8eb4ccc623bb88a07c64b3ede1605363fc7d0df8c7ce4ff0fb4ae6',
    /** §4 `{server} derive secret "tls13 c hs traffic":` → `expanded` */
    clientHandshakeTrafficSecret: '2faac08f851d35fea3604fcb4de82dc62c9b164a70974d0462e27f1ab278700f',
    /** §4 `{server} derive secret "tls13 s hs traffic":` → `expanded` */
    serverHandshakeTrafficSecret: 'fe927ae271312e8bf0275b581c54eef020450dc4ecffaa05a1a35d27518e7803',
    /** §4 `{server} extract secret "master":` → `secret` */
    masterSecret: 'e2d32d4ed66dd37897a0e80c84107503ce58bf8aad4cb55a5002d77ecb890ece',
    /** §4 `{server} derive secret "tls13 c ap traffic":` → `expanded` */
    clientApplicationTrafficSecret: '2abbf2b8e381d23dbebe1dd2a7d16a8bf484cb4950d23fb7fb7fa8547062d9a1',
    /** §4 `{server} derive secret "tls13 s ap traffic":` → `expanded` */
    serverApplicationTrafficSecret: 'cc21f1bf8feb7dd5fa505bd9c4b468a9984d554a993dc49e6d285598fb672691',
    /** §4 `{server} derive secret "tls13 exp master":` → `expanded` */
    exporterMasterSecret: '3fd93d4ffddc98e64b14dd107aedf8ee4add23f4510f58a4592d0b201bee56b4',
    /** §4 `{client} derive secret "tls13 res master":` → `expanded` */
    resumptionMasterSecret: '5e95bdf1f89005ea2e9aa0ba85e728e3c19c5fe0c699e3f5bee59faebd0b5406',
  },
} as const;
