import test from 'ava';
import { Dtls13Connection } from '../../runtime/connection/connection.js';
import { CommonState } from '../../runtime/dtls/common-state.js';
import { DtlsConnection, type DtlsOptions } from '../../runtime/dtls/connection.js';
import { CHARTS13 } from '../../runtime/dtls/role-drivers.js';
import { state12, VersionChoice, type VersionStateOf } from '../../runtime/dtls/version-choice.js';
import { clientConfigs, serverConfigs } from '../../runtime/dtls/version-configs.js';
import { Connection12 } from '../../runtime/dtls12/connection12.js';
import { makeIdentity, TEST_TIME } from '../support/pki-fixtures.js';

/**
 * The version chosen once (runtime/dtls/version-choice.ts): which connections have a choice to make at all, and the
 * server's choice from a real first ClientHello of each version (the rest of its rules, over whole handshakes and a
 * hostile network: tests/dtls12/negotiation*.test.ts, versions*.test.ts).
 */

const id = makeIdentity('p256', 'localhost');
const client: DtlsOptions = { wallClock: () => TEST_TIME, trustAnchors: [id.caDer], serverName: 'localhost' };
const server: DtlsOptions = { wallClock: () => TEST_TIME, certificate: { chain: id.chain, privateKey: id.privateKey } };

function made(
  role: 'client' | 'server',
  options: DtlsOptions,
): { first: VersionStateOf; choice: VersionChoice | undefined } {
  const configs = role === 'client' ? clientConfigs(options) : serverConfigs(options);
  const common = new CommonState(options, configs.config13?.maxDatagramSize ?? configs.config12!.base.maxDatagramSize);
  const first =
    configs.config13 === undefined
      ? state12(options, configs.config12!, common)
      : Dtls13Connection.sharing(role, configs.config13, options, CHARTS13, common);
  return { first, choice: VersionChoice.of(role, configs.enabled, common, options, first, configs.config12) };
}

test('a choice only where the version can still change', (t) => {
  t.true(made('client', client).choice?.open, 'a client offering both waits for the first answer');
  t.true(made('server', server).choice?.open, 'a server doing both waits for the first ClientHello');
  t.true(
    made('server', { ...server, maxVersion: 'DTLSv1.2' }).choice?.open,
    'a 1.2-only server refuses a 1.3-only hello',
  );
  const only13 = made('client', { ...client, minVersion: 'DTLSv1.3' }).choice;
  t.false(only13?.open, 'a 1.3-only client has chosen');
  t.truthy(only13, 'but watches for a HelloVerifyRequest (protocol_version)');
  t.is(made('client', { ...client, maxVersion: 'DTLSv1.2' }).choice, undefined);
  t.is(made('server', { ...server, minVersion: 'DTLSv1.3' }).choice, undefined);
});

for (const [offered, want] of [
  [{ maxVersion: 'DTLSv1.2' }, Connection12],
  [{ minVersion: 'DTLSv1.3' }, Dtls13Connection],
] as const) {
  test(`a server doing both answers a ${want.name === 'Connection12' ? '1.2' : '1.3'}-only ClientHello in that version`, (t) => {
    const hello = DtlsConnection.client({ ...client, ...offered });
    hello.connect(0);
    const datagram = hello.pollTransmit()!;
    const { first, choice } = made('server', server);
    const taking = choice!.take(first, datagram, 1);
    t.true(taking instanceof want);
    t.is(taking === first, want === Dtls13Connection, 'the 1.3 state goes on; 1.2 is a new state');
    t.false(choice!.open, 'chosen once');
    taking!.receive(datagram, 1);
    t.is(taking!.protocolVersion, want === Connection12 ? 'DTLSv1.2' : 'DTLSv1.3');
  });
}
