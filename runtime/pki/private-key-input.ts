/** A private key from node:tls-style `key` and `passphrase` (PEM or DER, encrypted or not) as PKCS#8 DER. */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { ConfigError } from '../config-error.js';
import { DerReader } from '../wire/der-reader.js';
import { DER_TAG } from '../wire/der-writer.js';
import { errorMessage } from './certificate-failure.js';
import { credentialItems, noBlock, type CredentialInput } from './credential-input.js';

const KEY_LABELS: ReadonlySet<string> = new Set([
  'PRIVATE KEY',
  'ENCRYPTED PRIVATE KEY',
  'RSA PRIVATE KEY',
  'EC PRIVATE KEY',
]);

/** How the DER forms start: EncryptedPrivateKeyInfo SEQUENCE, SEQUENCE, OCTET STRING; PrivateKeyInfo an INTEGER. */
function derIsEncryptedPkcs8(der: Uint8Array): boolean {
  try {
    const info = DerReader.within(new DerReader(der, 'key').read(DER_TAG.sequence, ''), 'EncryptedPrivateKeyInfo');
    info.read(DER_TAG.sequence, 'encryptionAlgorithm');
    return info.peekTag() === DER_TAG.octetString;
  } catch {
    return false; // not DER of that shape: node:crypto's own error names what is wrong
  }
}

/** A key that could not be read: the passphrase's fault when the key is encrypted and one was given. */
function keyFailure(
  option: string,
  where: string,
  encrypted: boolean,
  passphrase: string | undefined,
  e: unknown,
): ConfigError {
  if (encrypted && passphrase === undefined)
    return new ConfigError('passphrase', `${option}${where} is encrypted: give its passphrase`);
  if (encrypted) return new ConfigError('passphrase', `does not decrypt ${option}${where} (${errorMessage(e)})`);
  return new ConfigError(
    option,
    `${where ? `${where.slice(2)}: ` : ''}not a private key OpenSSL can read (${errorMessage(e)})`,
  );
}

function parseDer(der: Uint8Array, passphrase: string | undefined): KeyObject {
  const encrypted = derIsEncryptedPkcs8(der);
  if (encrypted)
    return createPrivateKey({ key: Buffer.from(der), format: 'der', type: 'pkcs8', passphrase: passphrase ?? '' });
  let first: unknown;
  for (const type of ['pkcs8', 'pkcs1', 'sec1'] as const) {
    try {
      return createPrivateKey({ key: Buffer.from(der), format: 'der', type });
    } catch (e) {
      first ??= e;
    }
  }
  throw first;
}

/** The one private key of `input` as PKCS#8 DER with its KeyObject; ConfigError names `key` or `passphrase`. */
export function readPrivateKey(
  input: CredentialInput,
  passphrase: string | undefined,
): { pkcs8: Uint8Array; keyObject: KeyObject } {
  if (passphrase !== undefined && typeof passphrase !== 'string')
    throw new ConfigError('passphrase', 'must be a string');
  const found: { option: string; where: string; encrypted: boolean; parse: () => KeyObject }[] = [];
  for (const item of credentialItems('key', input)) {
    if (item.der !== undefined) {
      const der = item.der;
      found.push({
        option: item.option,
        where: '',
        encrypted: derIsEncryptedPkcs8(der),
        parse: () => parseDer(der, passphrase),
      });
      continue;
    }
    for (const block of item.pem ?? []) {
      if (!KEY_LABELS.has(block.label)) continue;
      const encrypted = block.encrypted || block.label === 'ENCRYPTED PRIVATE KEY';
      const pass = encrypted ? { passphrase: passphrase ?? '' } : {};
      found.push({
        option: item.option,
        where: `, PEM block ${block.position} (${block.label})`,
        encrypted,
        parse: () => createPrivateKey({ key: block.text, format: 'pem', ...pass }),
      });
    }
    if (!found.some((f) => f.option === item.option)) throw noBlock(item, 'private key');
  }
  if (found.length !== 1) throw new ConfigError('key', `one private key per context, got ${found.length}`);
  const k = found[0]!;
  let keyObject: KeyObject;
  try {
    keyObject = k.parse();
  } catch (e) {
    throw keyFailure(k.option, k.where, k.encrypted, passphrase, e);
  }
  return { pkcs8: new Uint8Array(keyObject.export({ format: 'der', type: 'pkcs8' })), keyObject };
}
