import test from 'ava';
import type { SupportedCipherSuite } from '../../runtime/crypto/suites.js';
import type { KeyExchangeGroup } from '../../runtime/crypto/provider.js';
import type { DtlsEndpoint } from '../../runtime/node/endpoint.js';
import { DtlsUdpServer, type UdpServerOptions } from '../../runtime/node/server.js';
import type { KeyPairKind } from '../../runtime/pki/key-pair.js';
import { makeIdentity, TEST_TIME, type Identity } from '../support/pki-fixtures.js';
import { LossyProxy } from './udp-proxy.js';
import { runWolf, WOLF_SUITES, writePem } from './wolfssl.js';

// wolfSSL's example client → our DtlsUdpServer: the client sends "hello wolfssl!" and prints our reply.
const wallClock = (): number => TEST_TIME;
const REPLY = 'reply from dtls13';
const identities = new Map<KeyPairKind, Identity>();
const identity = (kind: KeyPairKind): Identity => {
  let id = identities.get(kind);
  if (!id) identities.set(kind, (id = makeIdentity(kind, 'localhost')));
  return id;
};

interface Served {
  readonly output: string;
  readonly code: number | null;
  readonly received: string | undefined;
  readonly endpoint: DtlsEndpoint | undefined;
  readonly proxy: LossyProxy | undefined;
}

/** Serves one wolfSSL client run; echoes REPLY to its first message. */
async function serveWolfClient(serverId: Identity, options: Partial<UdpServerOptions>, clientArgs: readonly string[], drop?: (from: 'client' | 'server', i: number) => boolean): Promise<Served> {
  const pem = writePem(serverId);
  const server = await DtlsUdpServer.listen({ certificate: serverId, wallClock, ...options });
  let endpoint: DtlsEndpoint | undefined;
  let received: string | undefined;
  server.onConnection((ep) => {
    endpoint = ep;
    void (async () => {
      try {
        await ep.handshake;
        received = new TextDecoder().decode(await ep.receive());
        ep.send(new TextEncoder().encode(REPLY));
      } catch {
        // the assertions look at the endpoint's state
      }
    })();
  });
  const proxy = drop ? await LossyProxy.start(server.address.port, drop) : undefined;
  try {
    const { code, output } = await runWolf('client', ['-u', '-v', '4', '-p', String(proxy?.port ?? server.address.port), '-A', pem.ca, ...clientArgs]).done;
    return { code, output, received, endpoint, proxy };
  } finally {
    proxy?.close();
    await server.close();
    pem.remove();
  }
}

function assertExchanged(t: import('ava').ExecutionContext, s: Served): void {
  t.is(s.code, 0, s.output);
  t.regex(s.output, /SSL version is DTLSv1\.3/);
  t.true(s.output.includes(REPLY), s.output);
  t.is(s.received, 'hello wolfssl!');
}

for (const suite of Object.keys(WOLF_SUITES) as SupportedCipherSuite[]) {
  for (const cookies of [true, false]) {
    test(`wolfSSL client ↔ dtls13 server: ${suite}, cookies ${cookies ? 'on' : 'off'}`, async (t) => {
      const s = await serveWolfClient(identity('p256'), { cookies, cipherSuites: [suite] }, ['-x', '-l', WOLF_SUITES[suite]]);
      assertExchanged(t, s);
      const p = await s.endpoint?.handshake;
      t.is(p?.cipherSuite, suite);
      t.is(p?.helloRetryRequest, cookies);
    });
  }
}

for (const kind of ['p384', 'rsa2048', 'ed25519'] as const) {
  test(`wolfSSL client ↔ dtls13 server: ${kind} server certificate`, async (t) => {
    const s = await serveWolfClient(identity(kind), {}, ['-x']);
    assertExchanged(t, s);
  });
}

for (const group of ['x25519', 'secp256r1', 'secp384r1'] as KeyExchangeGroup[]) {
  test(`wolfSSL client ↔ dtls13 server: the server insists on ${group}`, async (t) => {
    const s = await serveWolfClient(identity('p256'), { groups: [group], cookies: false }, ['-x']);
    assertExchanged(t, s);
    t.is((await s.endpoint?.handshake)?.group, group);
  });
}

test('wolfSSL client ↔ dtls13 server: mutual authentication', async (t) => {
  const clientId = identity('p384');
  const pem = writePem(clientId);
  try {
    const s = await serveWolfClient(identity('p256'), { clientAuthentication: 'required', trustAnchors: [clientId.caDer] }, ['-c', pem.cert, '-k', pem.key]);
    assertExchanged(t, s);
    const p = await s.endpoint?.handshake;
    t.true(p?.clientAuthenticated);
    t.deepEqual(p?.peerCertificate, clientId.chain[0]);
  } finally {
    pem.remove();
  }
});

test('wolfSSL client ↔ dtls13 server: our flights fragmented into 300-byte datagrams', async (t) => {
  const s = await serveWolfClient(identity('rsa2048'), { maxDatagramSize: 300 }, ['-x']);
  assertExchanged(t, s);
  t.true((s.endpoint?.connection.stats.datagramsSent ?? 0) > 6);
});

test('wolfSSL client ↔ dtls13 server: the client updates its keys before sending', async (t) => {
  const s = await serveWolfClient(identity('p256'), {}, ['-x', '-I']);
  assertExchanged(t, s);
});

test('wolfSSL client ↔ dtls13 server: first ClientHello and first server flight lost', async (t) => {
  const s = await serveWolfClient(identity('p256'), { cookies: false }, ['-x'], (from, i) => i === 0);
  assertExchanged(t, s);
  t.deepEqual(s.proxy?.dropped, [{ from: 'client', index: 0 }, { from: 'server', index: 0 }]);
  t.true((s.endpoint?.connection.stats.retransmissions ?? 0) >= 1);
});
