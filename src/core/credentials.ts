/**
 * Where secrets (API keys, access tokens) are kept: the OS keychain (service `neptune`, account = profile) when one
 * answers a probe within 3 s, otherwise a 0600 file in the config dir, with a one-time warning on stderr.
 *
 * NEPTUNE_CREDENTIAL_STORE=file skips the keychain; =keychain requires it (an error if it does not work).
 * On Linux only the Secret Service counts as a keychain: the kernel keyring forgets everything on reboot.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { isSea } from './assets';
import { configError, dataError } from './errors';
import { PRIVATE_FILE, writeFileAtomic } from './fs';

export const KEYCHAIN_SERVICE = 'neptune';
export const PROBE_TIMEOUT_MS = 3000;
export const CREDENTIALS_FILE = 'credentials.json';

export interface SecretStore {
  readonly kind: 'keychain' | 'file';
  /** Where the secrets are, for humans ("the OS keychain", or the file's path). */
  readonly location: string;
  get(account: string): Promise<string | undefined>;
  set(account: string, secret: string): Promise<void>;
  delete(account: string): Promise<boolean>;
}

/** The keychain as neptune uses it; @napi-rs/keyring in production, a fake in tests. */
export interface Keyring {
  get(service: string, account: string, signal: AbortSignal): Promise<string | null>;
  set(service: string, account: string, secret: string, signal: AbortSignal): Promise<void>;
  delete(service: string, account: string, signal: AbortSignal): Promise<boolean>;
}

export interface OpenOptions {
  configDir: string;
  cacheDir: string;
  env?: NodeJS.ProcessEnv;
  /** Called once when secrets go to the file because no keychain works. */
  warn?: (message: string) => void;
  /** Injected keyring; `null` means none is available. Default: the OS keychain. */
  keyring?: Keyring | null;
  probeTimeoutMs?: number;
}

function withTimeout<T>(ms: number, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new Error(`no answer within ${ms} ms`));
    }, ms);
    timer.unref();
  });
  return Promise.race([run(controller.signal), timeout]).finally(() => clearTimeout(timer));
}

class KeychainStore implements SecretStore {
  readonly kind = 'keychain';
  readonly location = 'the OS keychain';
  constructor(
    private readonly keyring: Keyring,
    private readonly timeoutMs: number,
  ) {}
  get(account: string) {
    return withTimeout(this.timeoutMs, (s) => this.keyring.get(KEYCHAIN_SERVICE, account, s)).then(
      (v) => v ?? undefined,
    );
  }
  set(account: string, secret: string) {
    return withTimeout(this.timeoutMs, (s) => this.keyring.set(KEYCHAIN_SERVICE, account, secret, s));
  }
  delete(account: string) {
    return withTimeout(this.timeoutMs, (s) => this.keyring.delete(KEYCHAIN_SERVICE, account, s));
  }
}

interface CredentialsFile {
  version: 1;
  secrets: Record<string, string>;
}

class FileStore implements SecretStore {
  readonly kind = 'file';
  constructor(readonly location: string) {}

  private async load(): Promise<CredentialsFile> {
    let text: string;
    try {
      text = await readFile(this.location, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, secrets: {} };
      throw error;
    }
    const info = await stat(this.location);
    if (process.platform !== 'win32' && (info.mode & 0o077) !== 0) {
      throw configError(
        'CREDENTIALS_FILE_OPEN',
        `${this.location} is readable by other users (mode ${(info.mode & 0o777).toString(8)})`,
        { hint: `chmod 600 ${this.location}, and rotate the keys it holds if others could read it` },
      );
    }
    try {
      const parsed = JSON.parse(text) as CredentialsFile;
      if (parsed?.version !== 1 || typeof parsed.secrets !== 'object') throw new Error('unexpected shape');
      return parsed;
    } catch {
      throw dataError('CREDENTIALS_FILE_INVALID', `${this.location} is not a valid credentials file`, {
        hint: 'remove it and log in again',
      });
    }
  }

  async get(account: string) {
    return (await this.load()).secrets[account];
  }
  async set(account: string, secret: string) {
    const data = await this.load();
    data.secrets[account] = secret;
    await writeFileAtomic(this.location, `${JSON.stringify(data, null, 2)}\n`, { mode: PRIVATE_FILE });
  }
  async delete(account: string) {
    const data = await this.load();
    if (!(account in data.secrets)) return false;
    delete data.secrets[account];
    await writeFileAtomic(this.location, `${JSON.stringify(data, null, 2)}\n`, { mode: PRIVATE_FILE });
    return true;
  }
}

/**
 * Loads @napi-rs/keyring. Inside the single executable its native addon is a SEA asset: it is written once to the
 * cache dir (by content hash, atomically) and loaded from there.
 */
export async function loadOsKeyring(cacheDir: string): Promise<Keyring | null> {
  try {
    if (isSea()) {
      const require = createRequire(import.meta.filename);
      const sea = require('node:sea') as typeof import('node:sea');
      const bytes = Buffer.from(sea.getRawAsset('keyring.node') as ArrayBuffer);
      const digest = createHash('sha256').update(bytes).digest('hex').slice(0, 16);
      const file = path.join(cacheDir, 'native', digest, 'keyring.node');
      if (!existsSync(file) || !readFileSync(file).equals(bytes)) {
        await writeFileAtomic(file, bytes, { mode: 0o755, dirMode: 0o700 });
      }
      process.env.NAPI_RS_NATIVE_LIBRARY_PATH = file;
    }
    const { AsyncEntry } = await import('@napi-rs/keyring');
    const options =
      process.platform === 'linux' ? { linux: { store: 'secret-service' as const } } : undefined;
    return {
      get: (service, account, signal) => new AsyncEntry(service, account, options).getPassword(signal),
      set: (service, account, secret, signal) =>
        new AsyncEntry(service, account, options).setPassword(secret, signal),
      delete: (service, account, signal) =>
        new AsyncEntry(service, account, options).deleteCredential(signal),
    };
  } catch {
    return null;
  }
}

async function probe(keyring: Keyring, timeoutMs: number): Promise<boolean> {
  const account = `probe-${process.pid}`;
  try {
    await withTimeout(timeoutMs, async (signal) => {
      await keyring.set(KEYCHAIN_SERVICE, account, 'probe', signal);
      const back = await keyring.get(KEYCHAIN_SERVICE, account, signal);
      await keyring.delete(KEYCHAIN_SERVICE, account, signal);
      if (back !== 'probe') throw new Error('read back a different value');
    });
    return true;
  } catch {
    return false;
  }
}

export async function openSecretStore(options: OpenOptions): Promise<SecretStore> {
  const env = options.env ?? process.env;
  const timeoutMs = options.probeTimeoutMs ?? PROBE_TIMEOUT_MS;
  const file = new FileStore(path.join(options.configDir, CREDENTIALS_FILE));
  const wanted = env.NEPTUNE_CREDENTIAL_STORE;
  if (wanted && wanted !== 'file' && wanted !== 'keychain') {
    throw configError('CREDENTIALS_STORE_UNKNOWN', `NEPTUNE_CREDENTIAL_STORE=${wanted} is not a store`, {
      hint: 'use keychain or file, or unset it',
    });
  }
  if (wanted === 'file') return file;

  // Without a session bus there is no Secret Service, and asking would only wait for the time limit.
  const hopeless = process.platform === 'linux' && !env.DBUS_SESSION_BUS_ADDRESS;
  const keyring =
    options.keyring !== undefined ? options.keyring : hopeless ? null : await loadOsKeyring(options.cacheDir);
  if (keyring && (await probe(keyring, timeoutMs))) return new KeychainStore(keyring, timeoutMs);

  if (wanted === 'keychain') {
    throw configError(
      'CREDENTIALS_NO_KEYCHAIN',
      'no OS keychain answered (NEPTUNE_CREDENTIAL_STORE=keychain)',
      {
        hint: 'start a Secret Service (e.g. gnome-keyring) in this session, or unset NEPTUNE_CREDENTIAL_STORE',
      },
    );
  }
  options.warn?.(
    `no OS keychain is available here; credentials are kept in ${file.location} (mode 0600). ` +
      'Set NEPTUNE_CREDENTIAL_STORE=file to silence this.',
  );
  return file;
}
