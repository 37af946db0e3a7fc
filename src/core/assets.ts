/**
 * Files that ship inside the executable: data snapshots, WebAssembly grammars, native addons.
 *
 * `assets.json` at the repository root maps an asset name to its path in the checkout. The single executable
 * embeds each one as a SEA asset under the same name (scripts/build.mjs); from a checkout (bin/neptune, tests)
 * the file is read from the repository.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import manifest from '../../assets.json';
import { internalError } from './errors';

export type AssetName = keyof typeof manifest;

// import.meta.* is defined to __filename/__dirname in the CommonJS bundle (scripts/build.mjs).
const require = createRequire(import.meta.filename);

export function isSea(): boolean {
  try {
    return (require('node:sea') as typeof import('node:sea')).isSea();
  } catch {
    return false;
  }
}

/** The repository root when running from a checkout: dist/neptune.cjs is one deep, src/core/assets.ts two. */
export function repoRoot(): string {
  const here = import.meta.dirname;
  return path.basename(here) === 'dist' ? path.resolve(here, '..') : path.resolve(here, '..', '..');
}

export function readAsset(name: AssetName): Buffer {
  if (isSea()) {
    const sea = require('node:sea') as typeof import('node:sea');
    return Buffer.from(sea.getRawAsset(name) as ArrayBuffer);
  }
  const file = path.join(repoRoot(), manifest[name]);
  try {
    return readFileSync(file);
  } catch (error) {
    throw internalError('ASSET_MISSING', `asset ${name} is missing at ${file}`, {
      cause: error,
      hint: 'run npm ci in the checkout',
    });
  }
}
