/**
 * The package's own dependencies and theirs (the @noble crypto packages), by name, as this repository's node_modules
 * holds them. A test that installs the packed package offline packs each from there and names its tarball in the
 * project's npm `overrides`: `npm ci` leaves only tarballs in npm's cache, not the registry's package documents, so on
 * a fresh machine an offline install that had to resolve a dependency by version would fail with ENOTCACHED.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { installedWith } from '../../scripts/package-figures.js';

export function ownDependencies(root: string): string[] {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
  };
  return installedWith(manifest.dependencies ?? {}, join(root, 'node_modules')).map((p) => p.name);
}
