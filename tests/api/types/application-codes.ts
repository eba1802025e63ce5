// Must compile (tests/api/typed-api.test.ts): an application names the codes of its own errors, and onerror's
// `code` then takes them, beside the library's. Not in tsconfig.json: the declaration would reach every file there.
import { connect, type DtlsErrorCode } from '../../../runtime/index.js';

declare module '../../../runtime/index.js' {
  interface DtlsApplicationErrorCodes {
    E_QUOTA: true;
  }
}

connect('localhost', 4433).onerror = (e) => {
  if (e.code === 'E_QUOTA') console.error('over quota');
  else if (e.code === 'ERR_DTLS_ALERT' || e.code === 'ENOTFOUND') console.error(e.alert);
};
export const codes: readonly DtlsErrorCode[] = ['E_QUOTA', 'ERR_DTLS_CALLBACK', 'EAI_AGAIN', 'ERR_OUT_OF_RANGE'];
