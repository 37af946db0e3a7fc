/**
 * User configuration: named profiles in `config.json` in the config dir (conf, written atomically, 0600), and the
 * system file /etc/neptune/config.json below it. Precedence for every setting: flag > NEPTUNE_* environment >
 * the profile in the user config > the system config (cli-conventions #10).
 */
import { readFileSync } from 'node:fs';
import { configError, usageError } from './errors';
import { SYSTEM_CONFIG_FILE } from './paths';

/** What a profile remembers. Secrets are never here: they live in the credential store (src/core/credentials.ts). */
export interface Profile {
  apiUrl?: string;
  caFile?: string;
  account?: string;
  user?: string;
}

export interface ConfigData {
  currentProfile?: string;
  profiles?: Record<string, Profile>;
}

export const DEFAULT_PROFILE = 'default';
const PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;

export function checkProfileName(name: string): string {
  if (!PROFILE_NAME.test(name)) {
    throw usageError('CONFIG_BAD_PROFILE_NAME', `invalid profile name ${JSON.stringify(name)}`, {
      hint: 'use letters, digits, dot, dash or underscore (at most 63 characters)',
    });
  }
  return name;
}

/** Storage of the user config; the real one is conf, tests may pass a plain object. */
export interface ConfigStore {
  read(): ConfigData;
  write(data: ConfigData): void;
  readonly path: string;
}

export async function openUserConfig(configDir: string): Promise<ConfigStore> {
  const { default: Conf } = await import('conf');
  let conf: InstanceType<typeof Conf<ConfigData>>;
  try {
    conf = new Conf<ConfigData>({
      cwd: configDir,
      configName: 'config',
      projectName: 'neptune',
      projectSuffix: '',
      configFileMode: 0o600,
      clearInvalidConfig: false,
    });
  } catch (error) {
    throw configError(
      'CONFIG_UNREADABLE',
      `cannot read ${configDir}/config.json: ${(error as Error).message}`,
      {
        hint: 'fix or remove the file; neptune rewrites it on the next login',
        cause: error,
      },
    );
  }
  return {
    path: conf.path,
    read: () => conf.store,
    write: (data) => {
      conf.store = data;
    },
  };
}

/** The system config, if any. A broken one is an error: silently ignoring it would surprise an operator. */
export function readSystemConfig(file = SYSTEM_CONFIG_FILE): Profile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return {};
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not a JSON object');
    return parsed as Profile;
  } catch (error) {
    throw configError('CONFIG_SYSTEM_INVALID', `${file}: ${(error as Error).message}`, {
      hint: `fix ${file} (a JSON object such as {"apiUrl": "https://neptune.example.com"})`,
    });
  }
}

export type Source = 'flag' | 'env' | 'profile' | 'system' | 'default';

export interface Setting<T> {
  value: T;
  source: Source;
}

export interface ResolvedSettings {
  profile: Setting<string>;
  apiUrl: Setting<string> | undefined;
  caFile: Setting<string> | undefined;
}

export interface ResolveInput {
  flags: { profile?: string; apiUrl?: string; caFile?: string };
  env: NodeJS.ProcessEnv;
  user: ConfigData;
  system: Profile;
}

function pick<T>(candidates: [T | undefined, Source][]): Setting<T> | undefined {
  for (const [value, source] of candidates) {
    if (value !== undefined && value !== '') return { value, source };
  }
  return undefined;
}

export function resolveSettings({ flags, env, user, system }: ResolveInput): ResolvedSettings {
  const profile = pick<string>([
    [flags.profile, 'flag'],
    [env.NEPTUNE_PROFILE, 'env'],
    [user.currentProfile, 'profile'],
  ]) ?? { value: DEFAULT_PROFILE, source: 'default' as const };
  checkProfileName(profile.value);
  const stored = user.profiles?.[profile.value] ?? {};
  return {
    profile,
    apiUrl: pick([
      [flags.apiUrl, 'flag'],
      [env.NEPTUNE_API_URL, 'env'],
      [stored.apiUrl, 'profile'],
      [system.apiUrl, 'system'],
    ]),
    caFile: pick([
      [flags.caFile, 'flag'],
      [env.NEPTUNE_CA_FILE, 'env'],
      [stored.caFile, 'profile'],
      [system.caFile, 'system'],
    ]),
  };
}

/** Returns a copy of the config with the profile changed (merged), creating it if needed. */
export function withProfile(data: ConfigData, name: string, profile: Profile): ConfigData {
  checkProfileName(name);
  const profiles = { ...data.profiles, [name]: { ...data.profiles?.[name], ...profile } };
  return { ...data, profiles };
}

export function withoutProfile(data: ConfigData, name: string): ConfigData {
  if (!data.profiles?.[name]) {
    throw usageError('CONFIG_NO_SUCH_PROFILE', `no profile named ${JSON.stringify(name)}`, {
      hint: 'see neptune profiles list',
    });
  }
  const { [name]: _removed, ...profiles } = data.profiles;
  const currentProfile = data.currentProfile === name ? undefined : data.currentProfile;
  return { ...data, profiles, currentProfile };
}
