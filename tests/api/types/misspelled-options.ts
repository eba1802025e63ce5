// Must NOT compile: each call misspells one option; tests/api/typed-api.test.ts checks that tsc's error names it.
import { connect, createSecureContext, listen } from '../../../runtime/index.js';

listen(() => {}, { port: 0, maxSesions: 10 });
connect('localhost', 4433, { servrname: 'localhost' });
createSecureContext({ passfrase: 'secret' });
