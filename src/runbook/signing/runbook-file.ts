/**
 * Reading a runbook for signing: its exact bytes and its manifest (inline, or the sidecar `<file>.neptune.yaml`),
 * through the lint area's manifest parser (src/runbook/manifest.ts), which this adapter only calls.
 */
import { readFile } from 'node:fs/promises';
import { dataError, fromFsError } from '../../core/errors';
import { durationSeconds, type Manifest, readManifest } from '../manifest';

export interface RunbookFile {
  path: string;
  bytes: Buffer;
  manifest: Manifest;
  /** the sidecar's path when the manifest came from one */
  sidecar: string | null;
}

export const sidecarPath = (file: string): string => `${file}.neptune.yaml`;

async function readOptional(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw fromFsError(error, file);
  }
}

/** The manifest of `text` (and sidecar), or the one-line reason there is no usable one. */
export function manifestOf(
  text: string,
  sidecar: string | null,
): { manifest: Manifest } | { problem: string } {
  const { manifest, problems } = readManifest(text, sidecar);
  if (!manifest) {
    if (problems[0]) return { problem: problems[0].message };
    return {
      problem:
        'it has no manifest (a "# neptune:" comment block after the shebang, or a sidecar .neptune.yaml)',
    };
  }
  if (problems[0]) return { problem: problems[0].message };
  if (!manifest.name) return { problem: 'the manifest has no name' };
  if (durationSeconds(manifest.timeout) === null) return { problem: 'the manifest has no valid timeout' };
  return { manifest };
}

/** Reads the runbook and its manifest; a runbook without a valid manifest cannot be signed (exit 65). */
export async function readRunbook(file: string): Promise<RunbookFile> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw fromFsError(error, file);
  }
  const side = sidecarPath(file);
  const sidecarText = await readOptional(side);
  const found = manifestOf(bytes.toString('utf8'), sidecarText);
  if ('problem' in found)
    throw dataError('RUNBOOK_MANIFEST_INVALID', `${file}: ${found.problem}`, {
      hint: 'fix the manifest (neptune runbook lint shows every problem), then sign again',
    });
  return { path: file, bytes, manifest: found.manifest, sidecar: sidecarText === null ? null : side };
}

export { durationSeconds };
