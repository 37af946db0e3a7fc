/**
 * Logging in and out, and the profiles that remember where and as whom. A login stores the key in the credential
 * store under the profile's name and the API URL, CA file, account and user in the profile (no secret there).
 */
import path from 'node:path';
import type { DeviceTokenResponse, Whoami } from '../api/schemas';
import { API_KEY_PATTERN, INVITE_TOKEN_PATTERN } from '../api/scopes';
import { checkProfileName, DEFAULT_PROFILE, withoutProfile, withProfile } from '../core/config';
import { authError, configError, temporaryFailure, usageError } from '../core/errors';
import { ApiClient } from './client';
import {
  apiUrlOf,
  authenticatedClient,
  checkApiUrl,
  credentialsOf,
  httpClient,
  type Session,
  type TokenSource,
} from './session';

export interface LoginTarget {
  apiUrl: string;
  caFile?: string;
}

export interface LoginResult {
  profile: string;
  apiUrl: string;
  account: string;
  user: string;
  role: string;
  keyId: string;
  expiresAt: string;
  storedIn: 'keychain' | 'file';
  method: 'token' | 'invitation' | 'device';
}

function refuseEnvToken(session: Session): void {
  if (session.env.NEPTUNE_TOKEN) {
    throw configError('LOGIN_ENV_TOKEN', 'NEPTUNE_TOKEN is set, and it wins over any stored login', {
      hint: 'unset NEPTUNE_TOKEN to log in, or keep using it without logging in',
    });
  }
}

/** Where to log in: --api-url, else the profile's URL; the CA file is kept as an absolute path. */
export function loginTarget(session: Session, flags: { apiUrl?: string; caFile?: string }): LoginTarget {
  const apiUrl = flags.apiUrl ? checkApiUrl(flags.apiUrl) : apiUrlOf(session);
  const caFile = flags.caFile ?? session.settings.caFile?.value;
  return { apiUrl, ...(caFile ? { caFile: path.resolve(caFile) } : {}) };
}

async function remember(
  session: Session,
  target: LoginTarget,
  token: string,
  me: Whoami,
  method: LoginResult['method'],
): Promise<LoginResult> {
  const profile = session.settings.profile.value;
  const store = await session.secrets();
  await store.set(profile, token);
  const data = withProfile(session.config.read(), profile, {
    apiUrl: target.apiUrl,
    ...(target.caFile ? { caFile: target.caFile } : {}),
    account: me.account.handle,
    user: me.user.email,
  });
  session.config.write({ ...data, currentProfile: profile });
  return {
    profile,
    apiUrl: target.apiUrl,
    account: me.account.handle,
    user: me.user.email,
    role: me.user.role,
    keyId: me.key.id,
    expiresAt: me.key.expiresAt,
    storedIn: store.kind,
    method,
  };
}

/** `login --with-token`: an API key (nep_…), or an invitation token (nepi_…) exchanged once for a key. */
export async function loginWithToken(
  session: Session,
  target: LoginTarget,
  input: string,
): Promise<LoginResult> {
  refuseEnvToken(session);
  const secret = input.trim();
  if (!API_KEY_PATTERN.test(secret) && !INVITE_TOKEN_PATTERN.test(secret)) {
    throw usageError(
      'LOGIN_BAD_TOKEN',
      'stdin does not hold an API key (nep_…) or an invitation token (nepi_…)',
      {
        hint: 'pipe exactly one key: neptune login --with-token < key.txt',
      },
    );
  }
  const http = httpClient(session, target.apiUrl, target.caFile);
  try {
    let key = secret;
    let method: LoginResult['method'] = 'token';
    if (INVITE_TOKEN_PATTERN.test(secret)) {
      const created = await new ApiClient(http).acceptInvitation({ token: secret });
      key = created.secret;
      method = 'invitation';
    }
    const me = await new ApiClient(http, key).whoami();
    return await remember(session, target, key, me, method);
  } finally {
    await http.close();
  }
}

export interface DeviceLoginIo {
  /** Shows the user where to approve (stderr). */
  prompt(info: {
    verificationUri: string;
    verificationUriComplete: string;
    userCode: string;
    expiresIn: number;
  }): void;
  sleep(ms: number): Promise<void>;
  now(): number;
}

/** The RFC 8628 device flow: ask for a code, show it, poll no faster than `interval` until approved or expired. */
export async function deviceLogin(
  session: Session,
  target: LoginTarget,
  io: DeviceLoginIo,
): Promise<LoginResult> {
  refuseEnvToken(session);
  const http = httpClient(session, target.apiUrl, target.caFile);
  try {
    const anonymous = new ApiClient(http);
    const code = await anonymous.deviceCode({ client_id: 'neptune-cli', client_name: 'neptune CLI' });
    io.prompt({
      verificationUri: code.verification_uri,
      verificationUriComplete: code.verification_uri_complete,
      userCode: code.user_code,
      expiresIn: code.expires_in,
    });
    const deadline = io.now() + code.expires_in * 1000;
    let interval = Math.max(1, code.interval) * 1000;
    let token: DeviceTokenResponse | undefined;
    while (!token) {
      await io.sleep(interval);
      if (io.now() >= deadline) break;
      const answer = await anonymous.deviceToken({
        grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
        device_code: code.device_code,
        client_id: 'neptune-cli',
      });
      if ('token' in answer) {
        token = answer.token;
        break;
      }
      if (answer.error === 'DEVICE_AUTHORIZATION_PENDING') continue;
      // §3.5: slow_down adds 5 s to the interval for good.
      if (answer.error === 'DEVICE_SLOW_DOWN') {
        interval += 5000;
        continue;
      }
      if (answer.error === 'DEVICE_ACCESS_DENIED')
        throw authError('LOGIN_DENIED', 'the login was denied', { hint: 'run neptune login again' });
      if (answer.error === 'DEVICE_EXPIRED_TOKEN') break;
      throw authError('LOGIN_FAILED', answer.message, { hint: 'run neptune login again' });
    }
    if (!token) {
      throw temporaryFailure('LOGIN_EXPIRED', 'the login code expired before it was approved', {
        hint: 'run neptune login again and approve the code within its lifetime',
      });
    }
    const me = await new ApiClient(http, token.access_token).whoami();
    return await remember(session, target, token.access_token, me, 'device');
  } finally {
    await http.close();
  }
}

/** `login --approve CODE`: approves another device's login as the user of this profile. */
export async function approveDevice(
  session: Session,
  userCode: string,
  decision: 'approve' | 'deny' = 'approve',
) {
  const apiUrl = apiUrlOf(session);
  const credentials = await credentialsOf(session);
  if (!credentials) {
    throw authError('AUTH_NOT_LOGGED_IN', 'approving a login needs this CLI to be logged in', {
      hint: 'log in here first (neptune login --with-token), or set NEPTUNE_TOKEN',
    });
  }
  const http = httpClient(session, apiUrl, session.settings.caFile?.value);
  try {
    return await new ApiClient(http, credentials.token).deviceApprove({ userCode, decision });
  } finally {
    await http.close();
  }
}

export interface LogoutResult {
  profile: string;
  /** The key was revoked on the server (it was made by a login). */
  revoked: boolean;
  /** Local credentials were removed. */
  cleared: boolean;
  /** Why the server was not asked, or did not answer. */
  serverError?: string;
}

/** Revokes the profile's key on the server when a login made it, and always removes it locally. */
export async function logout(session: Session): Promise<LogoutResult> {
  const profile = session.settings.profile.value;
  const store = await session.secrets();
  const token = await store.get(profile);
  let revoked = false;
  let serverError: string | undefined;
  const apiUrl = session.settings.apiUrl?.value;
  if (token && apiUrl) {
    const http = httpClient(session, checkApiUrl(apiUrl), session.settings.caFile?.value);
    try {
      revoked = (await new ApiClient(http, token).logout()).revoked;
    } catch (error) {
      serverError = (error as Error).message;
    } finally {
      await http.close();
    }
  }
  const cleared = await store.delete(profile);
  return { profile, revoked, cleared, ...(serverError ? { serverError } : {}) };
}

export interface WhoamiResult extends Whoami {
  profile: string;
  apiUrl: string;
  tokenSource: TokenSource;
}

export async function whoami(session: Session): Promise<WhoamiResult> {
  const { client, http, credentials, apiUrl } = await authenticatedClient(session);
  try {
    const me = await client.whoami();
    return { profile: session.settings.profile.value, apiUrl, tokenSource: credentials.source, ...me };
  } finally {
    await http.close();
  }
}

export interface ProfileInfo {
  name: string;
  current: boolean;
  apiUrl: string | null;
  account: string | null;
  user: string | null;
  caFile: string | null;
}

export function listProfiles(session: Session): ProfileInfo[] {
  const data = session.config.read();
  const current = data.currentProfile ?? DEFAULT_PROFILE;
  return Object.entries(data.profiles ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, p]) => ({
      name,
      current: name === current,
      apiUrl: p.apiUrl ?? null,
      account: p.account ?? null,
      user: p.user ?? null,
      caFile: p.caFile ?? null,
    }));
}

export function useProfile(session: Session, name: string): ProfileInfo {
  checkProfileName(name);
  const data = session.config.read();
  if (!data.profiles?.[name]) {
    throw usageError('CONFIG_NO_SUCH_PROFILE', `no profile named ${JSON.stringify(name)}`, {
      hint: 'see neptune profiles list, or create it with neptune login --profile NAME',
    });
  }
  session.config.write({ ...data, currentProfile: name });
  return listProfiles(session).find((p) => p.name === name)!;
}

/** Removes a profile and its stored key (locally only: the key stays valid on the server until revoked). */
export async function removeProfile(
  session: Session,
  name: string,
): Promise<{ name: string; removed: true }> {
  checkProfileName(name);
  session.config.write(withoutProfile(session.config.read(), name));
  await (await session.secrets()).delete(name);
  return { name, removed: true };
}
