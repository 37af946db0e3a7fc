/**
 * Where a command's credentials come from, and the client made from them. Precedence (cli-conventions #10, #14):
 * NEPTUNE_TOKEN wins over the stored key of the profile; the API URL and CA file come from flag > env > profile >
 * /etc/neptune/config.json. Secrets live in the credential store (keychain or 0600 file), never in the config.
 */
import {
  type ConfigData,
  type ConfigStore,
  openUserConfig,
  type ResolvedSettings,
  readSystemConfig,
  resolveSettings,
} from '../core/config';
import { openSecretStore, type SecretStore } from '../core/credentials';
import { authError, configError, usageError } from '../core/errors';
import { HttpClient } from '../core/http';
import { dirs } from '../core/paths';
import { ApiClient } from './client';

export interface SessionFlags {
  profile?: string;
  apiUrl?: string;
  caFile?: string;
}

export type TokenSource = 'env' | 'keychain' | 'file';

export interface Session {
  settings: ResolvedSettings;
  config: ConfigStore;
  secrets: () => Promise<SecretStore>;
  env: NodeJS.ProcessEnv;
  userAgent: string;
}

export interface SessionOptions {
  flags: SessionFlags;
  env?: NodeJS.ProcessEnv;
  userAgent: string;
  /** For the one-time "credentials are in a file" notice. */
  warn?: (message: string) => void;
}

export async function openSession(options: SessionOptions): Promise<Session> {
  const env = options.env ?? process.env;
  const where = dirs(env);
  const config = await openUserConfig(where.config);
  const settings = resolveSettings({
    flags: options.flags,
    env,
    user: config.read(),
    system: readSystemConfig(),
  });
  let store: Promise<SecretStore> | undefined;
  return {
    settings,
    config,
    env,
    userAgent: options.userAgent,
    secrets: () => {
      store ??= openSecretStore({ configDir: where.config, cacheDir: where.cache, env, warn: options.warn });
      return store;
    },
  };
}

/** Checks a URL given for the service: HTTPS only (TLS is never optional), no credentials or query in it. */
export function checkApiUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw usageError('LOGIN_BAD_URL', `${JSON.stringify(value)} is not a URL`, {
      hint: 'pass --api-url https://HOST:PORT',
    });
  }
  if (url.protocol !== 'https:') {
    throw usageError('LOGIN_NOT_HTTPS', `the API URL must use https, not ${url.protocol.replace(':', '')}`, {
      hint: 'neptune talks to its server over TLS only; use https://HOST:PORT',
    });
  }
  if (url.username || url.password || url.search || url.hash) {
    throw usageError('LOGIN_BAD_URL', 'the API URL must not carry credentials, a query or a fragment', {
      hint: 'pass only https://HOST:PORT; the key goes on stdin with --with-token',
    });
  }
  return url.origin;
}

export function httpClient(session: Session, apiUrl: string, caFile?: string): HttpClient {
  return new HttpClient({
    baseUrl: apiUrl,
    caFile,
    env: session.env,
    userAgent: session.userAgent,
    retries: 2,
  });
}

export function apiUrlOf(session: Session): string {
  const apiUrl = session.settings.apiUrl?.value;
  if (!apiUrl) {
    throw configError('LOGIN_NO_API_URL', `profile ${session.settings.profile.value} has no API URL`, {
      hint: 'run neptune login --api-url https://HOST:PORT, or set NEPTUNE_API_URL',
    });
  }
  return checkApiUrl(apiUrl);
}

export interface Credentials {
  token: string;
  source: TokenSource;
}

/** The token to use: NEPTUNE_TOKEN, else the profile's stored key. */
export async function credentialsOf(session: Session): Promise<Credentials | undefined> {
  const fromEnv = session.env.NEPTUNE_TOKEN;
  if (fromEnv) return { token: fromEnv.trim(), source: 'env' };
  const store = await session.secrets();
  const token = await store.get(session.settings.profile.value);
  return token ? { token, source: store.kind } : undefined;
}

/** A client for the current profile, with its credentials (a command that needs them and has none fails 77). */
export async function authenticatedClient(
  session: Session,
): Promise<{ client: ApiClient; http: HttpClient; credentials: Credentials; apiUrl: string }> {
  const apiUrl = apiUrlOf(session);
  const credentials = await credentialsOf(session);
  if (!credentials) {
    throw authError('AUTH_NOT_LOGGED_IN', `not logged in (profile ${session.settings.profile.value})`, {
      hint: 'run neptune login, or set NEPTUNE_TOKEN',
    });
  }
  const http = httpClient(session, apiUrl, session.settings.caFile?.value);
  return { client: new ApiClient(http, credentials.token), http, credentials, apiUrl };
}

export function readConfig(session: Session): ConfigData {
  return session.config.read();
}

/** Runs `fn` with an authenticated client, and closes its connections afterwards. */
export async function withClient<T>(session: Session, fn: (client: ApiClient) => Promise<T>): Promise<T> {
  const { client, http } = await authenticatedClient(session);
  try {
    return await fn(client);
  } finally {
    await http.close();
  }
}
