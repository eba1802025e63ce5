'use strict';
/* global module, require */
// `require('dtls13')`: the package is ES modules (dist/runtime/index.js). Node 20.19+ and 22.12+ load them with
// require() (they have no top-level await), so this hands back the very module `import` gets: one copy of every
// class, `instanceof` true across both. Older Nodes cannot; they are told what to do instead.
try {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- this is the CommonJS entry: require() is its job
  module.exports = require('./index.js');
} catch (error) {
  if (error !== null && typeof error === 'object' && (error.code === 'ERR_REQUIRE_ESM' || error.code === 'ERR_REQUIRE_ASYNC_MODULE')) {
    throw new Error(
      `dtls13 is an ES module, and Node ${process.version} cannot require() one: use \`const dtls13 = await import('dtls13')\`, or Node 20.19, 22.12 or later, where require('dtls13') works`,
      { cause: error },
    );
  }
  throw error;
}
