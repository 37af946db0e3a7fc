/**
 * The snapshot inside the executable, and where the cache keeps newer ones. Free of the network, JSON parsing and
 * async fs, so that the start-up fast path (src/commands/allowlist/fast.ts) loads only this.
 */
import path from 'node:path';
import embeddedStamp from '../../data/aws/ip-ranges.stamp.json';
import { readAsset } from '../core/assets';
import { unpack } from './packed';
import type { Snapshot, SnapshotStamp } from './ranges';

export const EMBEDDED_ASSET = 'aws-ip-ranges.packed';

/** The stamp of the embedded snapshot, known without reading it. */
export const EMBEDDED_STAMP: SnapshotStamp = {
  syncToken: embeddedStamp.syncToken,
  createDate: embeddedStamp.createDate,
  sha256: embeddedStamp.sha256,
  source: 'embedded',
};

export function loadEmbedded(): Snapshot {
  return unpack(readAsset(EMBEDDED_ASSET), 'embedded');
}

/** The file in the cache dir that names the current cached snapshot (snapshot.ts reads and writes it). */
export const CACHE_META_FILE = 'meta.json';

export function cacheDirOf(root: string): string {
  return path.join(root, 'allowlist');
}
