/**
 * What the `allowlist` commands call: open a snapshot (embedded, cache, file or URL, with an optional refresh
 * first), build the plan of a selection, render it in a format. IO comes in as arguments (cache dir, HTTP client,
 * progress and warning sinks), so this is tested without a terminal.
 */
import type { Formatter } from './formats/index';
import type { Plan } from './plan';
import type { Snapshot } from './ranges';
import { AWS_RANGES_URL, loadNamed, loadNewest } from './snapshot';
import { fetchRanges, type Http, type UpdateResult, updateRanges } from './update';

export { checkAddresses } from './check';
export { diffSnapshots } from './diff';
export { FORMATS, formatByName } from './formats/index';
export { planJson } from './plan';
export {
  type AllowlistRequest,
  DEFAULT_PORT,
  formatOrThrow,
  PREFIX_LIST_LIMIT,
  type Rendered,
  render,
  SG_RULE_LIMIT,
} from './render';
export { knownNetworkBorderGroups, knownRegions, knownServices } from './select';
export { updateRanges } from './update';
export type { Formatter, Http, Plan, Snapshot, UpdateResult };
export { AWS_RANGES_URL };

/** Progress for a long step: a spinner on a terminal, nothing elsewhere. */
export interface Progress {
  succeed(text?: string): void;
  fail(text?: string): void;
}

export interface AllowlistIo {
  /** The cache root (NEPTUNE_CACHE_DIR); snapshots live in <root>/allowlist/. */
  cacheRoot: string;
  /** Creates the HTTP client on first use (only --ranges URL, --refresh and update need one). */
  http: () => Promise<Http>;
  /** Releases the HTTP client, if one was made. */
  close?: () => Promise<void>;
  warn: (message: string) => void;
  progress: (text: string) => Promise<Progress>;
  /** The URL `update` and `--refresh` fetch (default AWS's). */
  url?: string;
}

/** Fetches a URL with progress, and validates it; nothing is stored. */
async function fetchUrl(io: AllowlistIo, url: string): Promise<Snapshot> {
  const progress = await io.progress(`downloading ${url}`);
  try {
    const { snapshot } = await fetchRanges(await io.http(), url);
    if (!snapshot) throw new Error('unexpected 304 without a conditional request');
    progress.succeed(`downloaded ${url} (createDate ${snapshot.stamp.createDate})`);
    return snapshot;
  } catch (error) {
    progress.fail(`downloading ${url} failed`);
    throw error;
  }
}

/** `allowlist update` (and `--refresh`): fetch into the cache, with progress on a terminal. */
export async function update(io: AllowlistIo, options: { allowOlder?: boolean } = {}): Promise<UpdateResult> {
  const url = io.url ?? AWS_RANGES_URL;
  const progress = await io.progress(`updating ip-ranges.json from ${url}`);
  try {
    const result = await updateRanges({
      http: await io.http(),
      cacheRoot: io.cacheRoot,
      url,
      allowOlder: options.allowOlder,
    });
    progress.succeed(`ip-ranges.json ${result.status} (createDate ${result.snapshot.createDate})`);
    return result;
  } catch (error) {
    progress.fail(`updating from ${url} failed`);
    throw error;
  }
}

/**
 * The snapshot a run uses: `name` (`embedded`, `cache`, a file or an https URL) or, without one, the newest of
 * the cache and the embedded snapshot.
 */
export async function openSnapshot(io: AllowlistIo, name: string | undefined): Promise<Snapshot> {
  if (name === undefined) return loadNewest(io.cacheRoot, io.warn);
  return loadNamed(name, { cacheRoot: io.cacheRoot, warn: io.warn, fetchUrl: (url) => fetchUrl(io, url) });
}
