import test from 'ava';
import { DtlsConnection } from '../../runtime/connection/connection.js';
import { listen } from '../../runtime/index.js';
import { makeIdentity, TEST_TIME } from '../support/pki-fixtures.js';
import { pemOptions } from '../node/support.js';

const id = makeIdentity('p256', 'localhost');

test.serial(
  "listen checks the server's options once: one throwaway server connection, not one more when its admission opens",
  async (t) => {
    const made = DtlsConnection.server;
    let checks = 0;
    DtlsConnection.server = (...args: Parameters<typeof made>) => {
      checks++;
      return made.apply(DtlsConnection, args);
    };
    try {
      const listener = listen(() => {}, { ...pemOptions(id), host: '127.0.0.1', wallClock: () => TEST_TIME });
      await listener.listening;
      t.is(checks, 1);
      await listener.close();
    } finally {
      DtlsConnection.server = made;
    }
  },
);

test.serial('a bad limit still throws from listen itself, naming the option', (t) => {
  t.throws(() => listen(() => {}, { ...pemOptions(id), host: '127.0.0.1', maxHandshakes: 0 }), {
    message: /maxHandshakes/,
  });
});
