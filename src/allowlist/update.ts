/**
 * `allowlist update`: fetch the current ip-ranges.json over HTTPS, validate it, and store it in the cache
 * atomically. A conditional request (ETag / If-Modified-Since) keeps repeat runs cheap; a snapshot older than the
 * one in force is refused unless asked for, because AWS's notifications can arrive out of order.
 */
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { dataError, unavailable } from '../core/errors';
import { writeFileAtomic } from '../core/fs';
import type { HttpRequest, HttpResponse } from '../core/http';
import {
  compareSyncTokens,
  MAX_RANGES_BYTES,
  parseRanges,
  type Snapshot,
  type SnapshotStamp,
} from './ranges';
import {
  AWS_RANGES_URL,
  type CacheMeta,
  cacheDirOf,
  decodeRangesBytes,
  EMBEDDED_STAMP,
  readCacheMeta,
} from './snapshot';

export interface Http {
  request(req: HttpRequest): Promise<HttpResponse>;
}

export interface UpdateOptions {
  http: Http;
  cacheRoot: string;
  url?: string;
  allowOlder?: boolean;
  now?: () => Date;
  signal?: AbortSignal;
}

export type UpdateStatus = 'updated' | 'not-modified' | 'unchanged' | 'older-accepted';

export interface UpdateResult {
  status: UpdateStatus;
  url: string;
  /** The snapshot fetched (or, when not modified, the one in force). */
  snapshot: SnapshotStamp;
  /** What was in force before: the newest of the cache and the embedded snapshot. */
  previous: SnapshotStamp;
  /** Which snapshot later runs use: the newest of the cache and the embedded one. */
  inForce: 'cache' | 'embedded';
  bytes?: number;
  md5?: string;
}

function header(response: HttpResponse, name: string): string | undefined {
  const value = response.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** GETs a URL and validates it as ip-ranges.json (nothing is stored). */
export async function fetchRanges(
  http: Http,
  url: string,
  headers: Record<string, string> = {},
  signal?: AbortSignal,
): Promise<{ response: HttpResponse; snapshot?: Snapshot }> {
  const response = await http.request({ url, headers, signal, maxResponseBytes: MAX_RANGES_BYTES });
  if (response.status === 304) return { response };
  if (response.status !== 200) {
    throw unavailable('ALLOWLIST_FETCH_FAILED', `${url} answered HTTP ${response.status}`, {
      hint: 'check the URL; the embedded and cached snapshots still work offline',
      details: { status: response.status },
    });
  }
  const plain = decodeRangesBytes(response.body, url);
  return { response, snapshot: parseRanges(plain, url) };
}

function cacheStampOf(meta: CacheMeta): SnapshotStamp {
  return { syncToken: meta.syncToken, createDate: meta.createDate, sha256: meta.sha256, source: 'cache' };
}

export async function updateRanges(options: UpdateOptions): Promise<UpdateResult> {
  const url = options.url ?? AWS_RANGES_URL;
  const now = options.now ?? (() => new Date());
  // A damaged meta.json is replaced by this update, not an obstacle to it.
  const meta = await readCacheMeta(options.cacheRoot).catch(() => undefined);
  const cached = meta ? cacheStampOf(meta) : undefined;
  const previous =
    cached && compareSyncTokens(cached.syncToken, EMBEDDED_STAMP.syncToken) > 0 ? cached : EMBEDDED_STAMP;
  const inForce = (syncToken: string | undefined): 'cache' | 'embedded' =>
    syncToken !== undefined && compareSyncTokens(syncToken, EMBEDDED_STAMP.syncToken) > 0
      ? 'cache'
      : 'embedded';

  const headers: Record<string, string> = {};
  // Conditional only against a cache entry from the same URL.
  if (meta && meta.url === url) {
    if (meta.etag) headers['if-none-match'] = meta.etag;
    if (meta.lastModified) headers['if-modified-since'] = meta.lastModified;
  }
  const { response, snapshot } = await fetchRanges(options.http, url, headers, options.signal);
  if (!snapshot) {
    return { status: 'not-modified', url, snapshot: previous, previous, inForce: inForce(meta?.syncToken) };
  }

  const order = compareSyncTokens(snapshot.stamp.syncToken, previous.syncToken);
  if (order < 0 && !options.allowOlder) {
    throw dataError(
      'ALLOWLIST_OLDER_SNAPSHOT',
      `${url} has syncToken ${snapshot.stamp.syncToken} (${snapshot.stamp.createDate}), older than the ${previous.source} snapshot ${previous.syncToken} (${previous.createDate}); nothing was stored`,
      { hint: 'a mirror or CDN may be stale; pass --allow-older to store it anyway' },
    );
  }
  const bytes = response.body;
  const md5 = process.getBuiltinModule('node:crypto').createHash('md5').update(bytes).digest('hex');
  const dir = cacheDirOf(options.cacheRoot);
  const fileName = `ip-ranges-${snapshot.stamp.syncToken}.json`;
  const sameAsCache = meta !== undefined && meta.sha256 === snapshot.stamp.sha256 && meta.file === fileName;
  // The body is stored as it came (decompressed if it was gzipped), so its SHA-256 matches the stamp. The same
  // bytes as the cache are not written again; meta.json is, for the new ETag and Last-Modified.
  if (!sameAsCache) await writeFileAtomic(path.join(dir, fileName), decodeRangesBytes(bytes, url));
  const next: CacheMeta = {
    file: fileName,
    syncToken: snapshot.stamp.syncToken,
    createDate: snapshot.stamp.createDate,
    sha256: snapshot.stamp.sha256,
    url,
    ...(header(response, 'etag') ? { etag: header(response, 'etag') } : {}),
    ...(header(response, 'last-modified') ? { lastModified: header(response, 'last-modified') } : {}),
    fetchedAt: now().toISOString(),
  };
  // meta.json is written last, so a crash before it leaves the previous snapshot in force.
  await writeFileAtomic(path.join(dir, 'meta.json'), `${JSON.stringify(next, null, 2)}\n`);
  // Old snapshots are dropped only once meta.json names the new one.
  for (const name of await readdir(dir)) {
    if (/^ip-ranges-\d+\.json$/.test(name) && name !== fileName)
      await rm(path.join(dir, name), { force: true });
  }
  const same = order === 0 && snapshot.stamp.sha256 === previous.sha256;
  return {
    status: order < 0 ? 'older-accepted' : same ? 'unchanged' : 'updated',
    url,
    snapshot: { ...snapshot.stamp, source: 'cache' },
    previous,
    inForce: inForce(snapshot.stamp.syncToken),
    bytes: bytes.length,
    md5,
  };
}
