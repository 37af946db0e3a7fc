/** `neptune audit verify FILE`: read an export (or stdin for `-`) and the audit public keys, then verify. */
import { readFile } from 'node:fs/promises';
import { fromFsError } from '../core/errors';
import { readStdin } from '../core/process';
import { parseJwks } from '../runbook/signing/keys';
import { type VerifyReport, verifyExport } from './verify';

async function read(file: string): Promise<string> {
  try {
    return file === '-' ? await readStdin() : await readFile(file, 'utf8');
  } catch (error) {
    throw fromFsError(error, file);
  }
}

export async function verifyExportFile(
  file: string,
  pubkey?: string,
  partial = false,
): Promise<VerifyReport> {
  const keys = pubkey === undefined ? undefined : parseJwks(await read(pubkey), pubkey);
  return verifyExport(await read(file), { keys, partial });
}
