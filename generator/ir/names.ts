/** `legacy_session_id` → `legacySessionId`. */
export function camelCase(id: string): string {
  return id.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** `client_hello` → `ClientHello`. */
export function pascalCase(id: string): string {
  const c = camelCase(id);
  return c.charAt(0).toUpperCase() + c.slice(1);
}

/** `client_hello` → `client-hello` (file names of generated modules). */
export function kebabCase(id: string): string {
  return id.replace(/_/g, '-');
}
