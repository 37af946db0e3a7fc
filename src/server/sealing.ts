/**
 * Encryption at rest for secrets the service must keep (integration credentials): AES-256-GCM under a master key
 * from NEPTUNE_MASTER_KEY (base64, 32 bytes) or the data directory's master.key (0600, made by `server init`).
 * Every replica of a PostgreSQL deployment needs the same key.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { configError, dataError } from '../core/errors';

export const MASTER_KEY_FILE = 'master.key';

export function newMasterKey(): string {
  return `${randomBytes(32).toString('base64')}\n`;
}

function decodeKey(text: string, where: string): Buffer {
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== 32) {
    throw configError('SERVER_MASTER_KEY_INVALID', `${where} is not a base64 32-byte key`, {
      hint: 'generate one with: head -c 32 /dev/urandom | base64',
    });
  }
  return key;
}

export async function loadMasterKey(dataDir: string, env: NodeJS.ProcessEnv = process.env): Promise<Buffer> {
  if (env.NEPTUNE_MASTER_KEY) return decodeKey(env.NEPTUNE_MASTER_KEY, 'NEPTUNE_MASTER_KEY');
  const file = path.join(dataDir, MASTER_KEY_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw configError('SERVER_MASTER_KEY_MISSING', `no master key: ${file} is missing`, {
      hint: 'run neptune server init on this data directory, or set NEPTUNE_MASTER_KEY',
    });
  }
  return decodeKey(text, file);
}

/** Seals `plaintext`; `context` (account and name) is bound as associated data, so rows cannot be swapped. */
export function seal(key: Buffer, plaintext: string, context: string): string {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(Buffer.from(context));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([nonce, body, cipher.getAuthTag()]).toString('base64');
}

export function unseal(key: Buffer, sealed: string, context: string): string {
  const raw = Buffer.from(sealed, 'base64');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(raw.subarray(raw.length - 16));
    return Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString(
      'utf8',
    );
  } catch (error) {
    throw dataError('SERVER_SECRET_UNREADABLE', 'a stored secret cannot be decrypted with this master key', {
      hint: 'start the server with the master key it was stored under',
      cause: error,
    });
  }
}
