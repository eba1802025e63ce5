// Must NOT compile: each comparison misspells an error code; tests/api/typed-api.test.ts checks that tsc refuses each.
import { connect, type DtlsError } from '../../../runtime/index.js';

connect('localhost', 4433).onerror = (e) => void (e.code === 'ERR_DTLS_ALRET' && console.error(e.alert));
export const timedOut = (e: DtlsError): boolean => e.code === 'ERR_DTLS_HANDSHAKE_TIMEOUTT';
export const refused = (e: DtlsError): boolean => e.code === 'ECONREFUSED';
export const mine = (e: DtlsError): boolean => e.code === 'E_QUOTA';
