/**
 * Test and benchmark support: runs src/allowlist/testing/oracle.py (Python's ipaddress) on selections, and
 * makes plain JSON copies of the gzipped snapshots for it.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';

export interface OracleSelection {
  file: string;
  services?: string[];
  exclude?: string[];
  regions?: string[];
  nbgs?: string[];
  families?: (4 | 6)[];
}

export const ORACLE_SCRIPT = path.join(import.meta.dirname, 'oracle.py');

export function runOracle(selections: OracleSelection[]): string[][] {
  const out = execFileSync('python3', [ORACLE_SCRIPT], {
    input: JSON.stringify({ selections }),
    maxBuffer: 256 * 1024 * 1024,
  });
  return JSON.parse(out.toString('utf8')) as string[][];
}

export const REPO = path.resolve(import.meta.dirname, '..', '..', '..');

/** The three real snapshots: the embedded one, one 30 days older, and one in the 2016 schema. */
export const SNAPSHOT_FILES = {
  newest: path.join(REPO, 'data/aws/ip-ranges.json.gz'),
  older: path.join(REPO, 'test/fixtures/allowlist/ip-ranges-2026-07-23-12-47-05.json.gz'),
  old2016: path.join(REPO, 'test/fixtures/allowlist/ip-ranges-2016-04-22-18-22-20.json.gz'),
} as const;

/** Bytes of a gzipped snapshot. */
export function snapshotBytes(file: string): Buffer {
  return gunzipSync(readFileSync(file));
}

/** Writes plain JSON copies of the snapshots into a temporary directory, for Python. */
export function plainSnapshots(): Record<keyof typeof SNAPSHOT_FILES, string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'neptune-allowlist-'));
  const out = {} as Record<keyof typeof SNAPSHOT_FILES, string>;
  for (const [name, file] of Object.entries(SNAPSHOT_FILES)) {
    const target = path.join(dir, `${name}.json`);
    writeFileSync(target, snapshotBytes(file));
    out[name as keyof typeof SNAPSHOT_FILES] = target;
  }
  return out;
}
