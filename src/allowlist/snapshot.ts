/**
 * Where a snapshot of ip-ranges.json comes from: the one embedded in the executable, the cache that
 * `allowlist update` fills, a file, or a URL. Offline is the default: the newest of cache and embedded.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { dataError, fromFsError, usageError } from '../core/errors';
import { CACHE_META_FILE, cacheDirOf, EMBEDDED_STAMP, loadEmbedded } from './embedded';
import { compareSyncTokens, MAX_RANGES_BYTES, parseRanges, type Snapshot } from './ranges';

export { CACHE_META_FILE, cacheDirOf, EMBEDDED_ASSET, EMBEDDED_STAMP, loadEmbedded } from './embedded';

export const AWS_RANGES_URL = 'https://ip-ranges.amazonaws.com/ip-ranges.json';

function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Plain bytes of a file that may be gzipped, with the size limit applied after decompression too. */
export function decodeRangesBytes(bytes: Uint8Array, source: string): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  try {
    return gunzipSync(bytes, { maxOutputLength: MAX_RANGES_BYTES });
  } catch (error) {
    const tooBig = (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE';
    throw dataError(
      'ALLOWLIST_RANGES_INVALID',
      `${source}: ${tooBig ? `decompresses to more than ${MAX_RANGES_BYTES} bytes` : 'is a damaged gzip file'}`,
      { hint: 'fetch a fresh copy with neptune allowlist update', cause: error },
    );
  }
}

/**
 * The snapshot built into neptune, in its packed form (packed.ts). A unit test checks that it holds exactly the
 * rows of data/aws/ip-ranges.json.gz, and that the stamp's SHA-256 is that file's.
 */
export async function loadFile(file: string): Promise<Snapshot> {
  try {
    const info = await stat(file);
    if (info.isDirectory()) throw Object.assign(new Error('directory'), { code: 'EISDIR' });
    if (info.size > MAX_RANGES_BYTES) {
      throw dataError(
        'ALLOWLIST_RANGES_INVALID',
        `${file}: the file is ${info.size} bytes, above the limit of ${MAX_RANGES_BYTES}`,
        { hint: 'pass an AWS ip-ranges.json (a few MB)' },
      );
    }
    const bytes = await readFile(file);
    const plain = decodeRangesBytes(bytes, file);
    return parseRanges(plain, file);
  } catch (error) {
    throw fromFsError(error, file);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Cache: <cache>/allowlist/ip-ranges-<syncToken>.json plus meta.json, which names the current one. meta.json is
// written last, so a crash in between leaves the previous snapshot in force.

export interface CacheMeta {
  file: string;
  syncToken: string;
  createDate: string;
  sha256: string;
  url: string;
  etag?: string;
  lastModified?: string;
  fetchedAt: string;
}

export async function readCacheMeta(cacheRoot: string): Promise<CacheMeta | undefined> {
  const file = path.join(cacheDirOf(cacheRoot), CACHE_META_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw fromFsError(error, file);
  }
  try {
    const meta = JSON.parse(text) as CacheMeta;
    if (typeof meta.file !== 'string' || typeof meta.syncToken !== 'string' || !/^\d+$/.test(meta.syncToken))
      throw new Error('fields');
    return meta;
  } catch {
    throw dataError('ALLOWLIST_CACHE_DAMAGED', `${file} is damaged`, {
      hint: `delete ${cacheDirOf(cacheRoot)} and run neptune allowlist update`,
    });
  }
}

export async function loadCache(cacheRoot: string, meta: CacheMeta): Promise<Snapshot> {
  const file = path.join(cacheDirOf(cacheRoot), path.basename(meta.file));
  const snapshot = await loadFile(file);
  if (snapshot.stamp.sha256 !== meta.sha256) {
    throw dataError('ALLOWLIST_CACHE_DAMAGED', `${file} does not match its recorded SHA-256`, {
      hint: `delete ${cacheDirOf(cacheRoot)} and run neptune allowlist update`,
    });
  }
  return { ...snapshot, stamp: { ...snapshot.stamp, source: 'cache' } };
}

/** The newest of the cache and the embedded snapshot, by syncToken (the embedded one wins a tie). */
export async function loadNewest(cacheRoot: string, warn: (message: string) => void): Promise<Snapshot> {
  let meta: CacheMeta | undefined;
  try {
    meta = await readCacheMeta(cacheRoot);
    if (meta && compareSyncTokens(meta.syncToken, EMBEDDED_STAMP.syncToken) > 0)
      return await loadCache(cacheRoot, meta);
  } catch (error) {
    // A damaged cache must not stop the offline default from working.
    warn(`ignoring the cached ip-ranges.json: ${(error as Error).message}`);
  }
  return loadEmbedded();
}

export interface SourceOptions {
  cacheRoot: string;
  warn: (message: string) => void;
  /** Fetches a URL into a validated snapshot (from update.ts), for `--ranges https://…`. */
  fetchUrl?: (url: string) => Promise<Snapshot>;
}

/** A snapshot named on the command line: `embedded`, `cache`, a file path or an https URL. */
export async function loadNamed(name: string, options: SourceOptions): Promise<Snapshot> {
  if (name === 'embedded') return loadEmbedded();
  if (name === 'cache') {
    const meta = await readCacheMeta(options.cacheRoot);
    if (!meta) {
      throw dataError('ALLOWLIST_NO_CACHE', 'there is no cached ip-ranges.json yet', {
        hint: 'run neptune allowlist update first, or name a file',
      });
    }
    return loadCache(options.cacheRoot, meta);
  }
  if (/^https?:\/\//i.test(name)) {
    if (!options.fetchUrl || !/^https:/i.test(name)) {
      throw usageError('ALLOWLIST_RANGES_URL', `${name}: only https:// URLs are accepted`, {
        hint: 'use the https:// address of the file',
      });
    }
    return options.fetchUrl(name);
  }
  return loadFile(name);
}
