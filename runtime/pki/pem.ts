/** PEM text for certificates (RFC 7468 §5), with `atob`/`btoa` so it runs outside Node too. */
import { ConfigError } from '../config-error.js';

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([^-]*)-----END ([A-Z0-9 ]+)-----/g;

/** Every `CERTIFICATE` block of `text` as DER, in order; a broken block throws {@link ConfigError}. */
export function parsePemCertificates(text: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  let index = 0;
  for (const m of text.matchAll(BLOCK)) {
    const [, begin, body, end] = m;
    if (begin !== 'CERTIFICATE' && end !== 'CERTIFICATE') continue;
    if (begin !== end) throw new ConfigError(`pem[${index}]`, `BEGIN ${String(begin)} ends with END ${String(end)}`);
    const b64 = (body ?? '').replace(/\s+/g, '');
    if (b64.length === 0 || b64.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) {
      throw new ConfigError(`pem[${index}]`, 'CERTIFICATE block is not valid base64');
    }
    const binary = atob(b64);
    const der = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) der[i] = binary.charCodeAt(i);
    out.push(der);
    index++;
  }
  const begins = text.split('-----BEGIN CERTIFICATE-----').length - 1;
  if (begins !== index) throw new ConfigError(`pem[${index}]`, 'BEGIN CERTIFICATE without a matching END CERTIFICATE');
  return out;
}

/** `der` as one PEM CERTIFICATE block with 64-character lines (RFC 7468 §2, §5.1) and a final newline. */
export function certificateToPem(der: Uint8Array): string {
  return toPem('CERTIFICATE', der);
}

/** A PKCS#8 private key (DER) as a PEM PRIVATE KEY block (RFC 7468 §10). */
export function privateKeyToPem(pkcs8: Uint8Array): string {
  return toPem('PRIVATE KEY', pkcs8);
}

function toPem(label: string, der: Uint8Array): string {
  let binary = '';
  for (const byte of der) binary += String.fromCharCode(byte);
  const b64 = btoa(binary);
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 64) lines.push(b64.slice(i, i + 64));
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
