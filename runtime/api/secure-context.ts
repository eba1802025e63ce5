/**
 * node:dtls's `createSecureContext`: node:tls's credential options, and `isServer`, which holds a context to one side
 * (a server context given to `connect`, or a client one to `listen`, is a ConfigError).
 */
import { ConfigError } from '../config-error.js';
import {
  createSecureContext as makeContext,
  type SecureContext,
  type SecureContextOptions,
} from '../pki/secure-context.js';
import { checkOptions, SECURE_CONTEXT_OPTION_NAMES, type ListedExactly } from './option-names.js';
import type { TypedOptions } from '../option-row.js';

/** The options of {@link createSecureContext}: node:tls's credentials, and `isServer` (its row in option-names.ts). */
export interface DtlsSecureContextOptions
  extends SecureContextOptions, TypedOptions<typeof SECURE_CONTEXT_OPTION_NAMES> {}

/** option-names.ts lists exactly the options of createSecureContext: a missing or extra name fails to compile here. */
export const LISTED_SECURE_CONTEXT_NAMES: ListedExactly<typeof SECURE_CONTEXT_OPTION_NAMES, DtlsSecureContextOptions> =
  SECURE_CONTEXT_OPTION_NAMES;

/** The role each context was made for, when `isServer` was given. */
const roles = new WeakMap<SecureContext, 'server' | 'client'>();

/** Throws a ConfigError when `context` was made (`isServer`) for the other side than the one `call` opens. */
export function checkContextRole(context: unknown, call: 'listen' | 'connect'): void {
  const role = typeof context === 'object' && context !== null ? roles.get(context as SecureContext) : undefined;
  const wanted = call === 'listen' ? 'server' : 'client';
  if (role === undefined || role === wanted) return;
  throw new ConfigError(
    'secureContext',
    `was made with isServer: ${role === 'server'}; ${call}() takes a ${wanted} context (isServer: ${wanted === 'server'}, or left out)`,
  );
}

/**
 * Parses and checks credentials once, as node:tls's `createSecureContext`. Options node:dtls keeps on a context
 * (`alpn`, `ciphers`, `sni`, ...) go to `listen` or `connect` here: on a context they are a ConfigError.
 */
export function createSecureContext(options: DtlsSecureContextOptions = {}): SecureContext {
  checkOptions('createSecureContext', options);
  const { isServer, ...credentials } = options;
  const context = makeContext(credentials);
  if (isServer !== undefined) roles.set(context, isServer ? 'server' : 'client');
  return context;
}
