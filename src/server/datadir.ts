/**
 * The server's data directory: `server.json` (which database, which TLS files), `neptune.db` (SQLite), `tls/` (the
 * private CA and server certificate made by init, keys 0600) and `master.key` (0600). The directory is 0700.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { configError } from '../core/errors';
import { PRIVATE_FILE, writeFileAtomic } from '../core/fs';

export const SERVER_CONFIG_FILE = 'server.json';

export interface ServerConfig {
  version: 1;
  /** PostgreSQL URL; absent for SQLite in the data directory. May hold a password: the file is 0600. */
  databaseUrl?: string;
  tls: {
    /** Certificate chain (PEM), relative to the data directory or absolute. */
    cert: string;
    key: string;
    /** The private CA made by init; absent when the operator brought their own certificate. */
    ca?: string;
  };
  hostnames: string[];
}

export function resolveIn(dataDir: string, file: string): string {
  return path.resolve(dataDir, file);
}

export async function readServerConfig(dataDir: string): Promise<ServerConfig | undefined> {
  const file = path.join(dataDir, SERVER_CONFIG_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw configError('SERVER_CONFIG_UNREADABLE', `cannot read ${file}: ${(error as Error).message}`, {
      hint: 'check the permissions of the data directory',
    });
  }
  try {
    const parsed = JSON.parse(text) as ServerConfig;
    if (parsed.version !== 1 || typeof parsed.tls?.cert !== 'string' || typeof parsed.tls?.key !== 'string') {
      throw new Error('unexpected content');
    }
    return parsed;
  } catch (error) {
    throw configError(
      'SERVER_CONFIG_INVALID',
      `${file} is not a valid server configuration: ${(error as Error).message}`,
      {
        hint: 'restore it from a backup, or run neptune server init on a new data directory',
      },
    );
  }
}

export async function requireServerConfig(dataDir: string): Promise<ServerConfig> {
  const config = await readServerConfig(dataDir);
  if (!config) {
    throw configError('SERVER_NOT_INITIALIZED', `${dataDir} is not an initialised data directory`, {
      hint: `run: neptune server init --data-dir ${dataDir} --account HANDLE --admin-email EMAIL`,
    });
  }
  return config;
}

export async function writeServerConfig(dataDir: string, config: ServerConfig): Promise<void> {
  await writeFileAtomic(path.join(dataDir, SERVER_CONFIG_FILE), `${JSON.stringify(config, null, 2)}\n`, {
    mode: PRIVATE_FILE,
  });
}
