/**
 * The agent's configuration. Every setting comes from, in order: a command-line flag, a NEPTUNE_* environment
 * variable, /etc/neptune/agent.yaml (path injectable), the original agent's neptune-agent.json when one is given for
 * migration, then the default (the Buildkite order, specs/agent-protocol.md §6 "Daemon operations").
 *
 * A bad value or an unknown key is a configuration error (exit 78): under systemd, RestartPreventExitStatus=78
 * stops the restart loop, because restarting cannot fix a typo.
 */

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { configError } from '../core/errors';
import { DEFAULT_ALLOW_RUN_AS } from '../core/run-as';
import { DEFAULT_CONCURRENCY, DEFAULT_KILL_GRACE_MS } from './executor';
import { DEFAULT_OUTPUT_CAP_BYTES } from './output';
import { DEFAULT_SPOOL_QUOTA_BYTES } from './spool';
import { DEFAULT_STATE_DIR } from './state';

export const AGENT_CONFIG_FILE = '/etc/neptune/agent.yaml';
export const DEFAULT_TRUST_FILE = '/etc/neptune/trust.jwks';

export interface AgentSettings {
  apiUrl: string | undefined;
  caFile: string | undefined;
  stateDir: string;
  hostname: string | undefined;
  tags: string[];
  concurrency: number;
  outputCapBytes: number;
  killGraceMs: number;
  drainTimeoutMs: number;
  allowRunAs: string[];
  spoolQuotaBytes: number;
  trustFile: string;
  logFile: string | undefined;
  debug: boolean;
}

export type SettingKey = keyof AgentSettings;
export type SettingSource = 'flag' | 'env' | 'file' | 'legacy' | 'default';

/** The YAML key (and flag name) of each setting, and its environment variable. */
export const SETTINGS: Record<SettingKey, { key: string; env: string; description: string }> = {
  apiUrl: { key: 'api-url', env: 'NEPTUNE_API_URL', description: 'the neptune server (https://…)' },
  caFile: { key: 'ca-file', env: 'NEPTUNE_CA_FILE', description: 'extra CA certificate (PEM) to trust' },
  stateDir: { key: 'state-dir', env: 'NEPTUNE_STATE_DIR', description: 'identity, ledger and spool' },
  hostname: {
    key: 'hostname',
    env: 'NEPTUNE_AGENT_HOSTNAME',
    description: 'name to register (default: the OS hostname)',
  },
  tags: { key: 'tags', env: 'NEPTUNE_AGENT_TAGS', description: 'tags to register, comma-separated' },
  concurrency: { key: 'concurrency', env: 'NEPTUNE_AGENT_CONCURRENCY', description: 'actions at once' },
  outputCapBytes: {
    key: 'output-cap',
    env: 'NEPTUNE_AGENT_OUTPUT_CAP',
    description: 'output kept per action',
  },
  killGraceMs: { key: 'kill-grace', env: 'NEPTUNE_AGENT_KILL_GRACE', description: 'SIGTERM → SIGKILL grace' },
  drainTimeoutMs: { key: 'drain-timeout', env: 'NEPTUNE_AGENT_DRAIN_TIMEOUT', description: 'wait on stop' },
  allowRunAs: {
    key: 'allow-run-as',
    env: 'NEPTUNE_AGENT_ALLOW_RUN_AS',
    description: 'users run_as may name',
  },
  spoolQuotaBytes: {
    key: 'spool-quota',
    env: 'NEPTUNE_AGENT_SPOOL_QUOTA',
    description: 'disk for unsent results',
  },
  trustFile: {
    key: 'trust-file',
    env: 'NEPTUNE_AGENT_TRUST_FILE',
    description: 'runbook signing keys (JWKS)',
  },
  logFile: { key: 'log-file', env: 'NEPTUNE_AGENT_LOG_FILE', description: 'also log to this file' },
  debug: { key: 'debug', env: 'NEPTUNE_DEBUG', description: 'debug logging' },
};

export const DEFAULTS: AgentSettings = {
  apiUrl: undefined,
  caFile: undefined,
  stateDir: DEFAULT_STATE_DIR,
  hostname: undefined,
  tags: [],
  concurrency: DEFAULT_CONCURRENCY,
  outputCapBytes: DEFAULT_OUTPUT_CAP_BYTES,
  killGraceMs: DEFAULT_KILL_GRACE_MS,
  drainTimeoutMs: 10 * 60_000,
  allowRunAs: [...DEFAULT_ALLOW_RUN_AS],
  spoolQuotaBytes: DEFAULT_SPOOL_QUOTA_BYTES,
  trustFile: DEFAULT_TRUST_FILE,
  logFile: undefined,
  debug: false,
};

// ---------------------------------------------------------------------------------------------------------------
// Values

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const SIZE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gib: 1024 ** 3,
  kb: 1000,
  mb: 1000 ** 2,
  gb: 1000 ** 3,
};

/** `500ms`, `30s`, `10m`, `1h`, `1h30m`; a bare number is seconds. */
export function parseDuration(text: string): number | undefined {
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Math.round(Number(t) * 1000);
  if (!/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(t)) return undefined;
  let total = 0;
  for (const [, n, unit] of t.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g))
    total += Number(n) * DURATION_UNITS[unit!]!;
  return Math.round(total);
}

/** `16MiB`, `1GiB`, `64k`, `1048576` (bytes); KB/MB/GB are decimal. */
export function parseSize(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*([A-Za-z]*)$/.exec(text.trim());
  if (!match) return undefined;
  const unit = SIZE_UNITS[match[2]!.toLowerCase()];
  return unit === undefined ? undefined : Math.round(Number(match[1]) * unit);
}

type Raw = string | number | boolean | string[] | undefined | null;

function list(value: Raw): string[] | undefined {
  if (Array.isArray(value)) return value.map(String).filter(Boolean);
  if (typeof value === 'string')
    return value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  return undefined;
}

/** Turns a raw value (flag, env text, YAML value) into a setting, or says what is wrong with it. */
function convert(
  key: SettingKey,
  value: Raw,
): { ok: true; value: unknown } | { ok: false; expected: string } {
  const text = typeof value === 'number' ? String(value) : value;
  switch (key) {
    case 'apiUrl': {
      if (typeof text !== 'string') return { ok: false, expected: 'an https:// URL' };
      try {
        const url = new URL(text);
        if (url.protocol !== 'https:' || url.username || url.password || url.search)
          return { ok: false, expected: 'an https:// URL without credentials or query' };
        return { ok: true, value: url.toString().replace(/\/$/, '') };
      } catch {
        return { ok: false, expected: 'an https:// URL' };
      }
    }
    case 'caFile':
    case 'stateDir':
    case 'trustFile':
    case 'logFile':
      return typeof text === 'string' && text !== ''
        ? { ok: true, value: path.resolve(text) }
        : { ok: false, expected: 'a path' };
    case 'hostname':
      return typeof text === 'string' && /^[A-Za-z0-9][A-Za-z0-9.-]{0,252}$/.test(text)
        ? { ok: true, value: text }
        : { ok: false, expected: 'a host name (letters, digits, dot, dash)' };
    case 'tags': {
      const tags = list(value);
      return tags?.every((t) => /^[a-z0-9][a-z0-9_.:-]{0,62}$/.test(t))
        ? { ok: true, value: [...new Set(tags)] }
        : { ok: false, expected: 'tags of lower-case letters, digits and _.:- (comma-separated)' };
    }
    case 'allowRunAs': {
      const users = list(value);
      return users?.every((u) => /^[A-Za-z_][A-Za-z0-9_.-]{0,31}$/.test(u))
        ? { ok: true, value: [...new Set(users)] }
        : { ok: false, expected: 'user names (comma-separated)' };
    }
    case 'concurrency': {
      const n = Number(text);
      return Number.isInteger(n) && n >= 1 && n <= 256
        ? { ok: true, value: n }
        : { ok: false, expected: 'an integer from 1 to 256' };
    }
    case 'outputCapBytes':
    case 'spoolQuotaBytes': {
      const n = typeof text === 'string' ? parseSize(text) : undefined;
      const min = key === 'outputCapBytes' ? 1024 : 1024 * 1024;
      return n !== undefined && n >= min
        ? { ok: true, value: n }
        : { ok: false, expected: `a size such as 16MiB (at least ${min} bytes)` };
    }
    case 'killGraceMs':
    case 'drainTimeoutMs': {
      const n = typeof text === 'string' ? parseDuration(text) : undefined;
      return n !== undefined && n <= 24 * 3_600_000
        ? { ok: true, value: n }
        : { ok: false, expected: 'a duration such as 10s, 10m or 1h' };
    }
    case 'debug': {
      if (typeof value === 'boolean') return { ok: true, value };
      if (typeof text === 'string' && /^(1|true|yes|on)$/i.test(text)) return { ok: true, value: true };
      if (typeof text === 'string' && /^(0|false|no|off|)$/i.test(text)) return { ok: true, value: false };
      return { ok: false, expected: 'true or false' };
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Sources

export interface LoadOptions {
  /** Raw flag values, by setting (undefined: not given). */
  flags?: Partial<Record<SettingKey, Raw>>;
  env?: NodeJS.ProcessEnv;
  /** The YAML file; default /etc/neptune/agent.yaml (or NEPTUNE_AGENT_CONFIG). A missing file is fine. */
  configFile?: string;
  /** The original agent's neptune-agent.json, read for migration when given. */
  legacyFile?: string;
  readText?: (file: string) => Promise<string>;
}

export interface LoadedConfig {
  settings: AgentSettings;
  sources: Record<SettingKey, SettingSource>;
  configFile: string;
  /** Things the operator should know (what a migration did not carry over). Never secrets. */
  notes: string[];
}

const KEY_OF = new Map(Object.entries(SETTINGS).map(([k, v]) => [v.key, k as SettingKey]));

async function readOptional(
  read: (file: string) => Promise<string>,
  file: string,
): Promise<string | undefined> {
  try {
    return await read(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw configError('AGENT_CONFIG_UNREADABLE', `cannot read ${file}: ${(error as Error).message}`, {
      hint: 'make the file readable by the agent user, or pass another path',
      cause: error,
    });
  }
}

/** Parses agent.yaml: a mapping of the keys in SETTINGS. */
export async function parseAgentYaml(text: string, file: string): Promise<Partial<Record<SettingKey, Raw>>> {
  const { parse } = await import('yaml');
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (error) {
    throw configError('AGENT_CONFIG_YAML', `${file}: ${(error as Error).message.split('\n')[0]}`, {
      hint: 'fix the YAML syntax (a mapping such as `api-url: https://neptune.example.com`)',
    });
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw configError('AGENT_CONFIG_YAML', `${file}: expected a mapping of settings`, {
      hint: 'write one `key: value` per line, e.g. `api-url: https://neptune.example.com`',
    });
  }
  const raw: Partial<Record<SettingKey, Raw>> = {};
  for (const [key, value] of Object.entries(doc)) {
    const setting = KEY_OF.get(key);
    if (!setting) {
      throw configError('AGENT_CONFIG_UNKNOWN_KEY', `${file}: unknown setting ${JSON.stringify(key)}`, {
        hint: `known settings: ${[...KEY_OF.keys()].join(', ')}`,
      });
    }
    raw[setting] = value as Raw;
  }
  return raw;
}

const PLACEHOLDER = /_HERE$/;
const ORIGINAL_SERVICE = new Set(['www.neptune.io', 'neptune.io', 'staging.neptune.io']);

/**
 * Reads the original agent's neptune-agent.json (specs/neptune-original.md §3): keys are Go field names matched
 * case-insensitively; placeholders (`API_KEY_HERE`) count as unset. The API key and the GitHub key are never
 * copied (an old API key is no enrollment token, and GitHub runbooks do not exist here); notes say so.
 */
export function readLegacyConfig(
  text: string,
  file: string,
): { raw: Partial<Record<SettingKey, Raw>>; notes: string[] } {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw configError('AGENT_LEGACY_CONFIG', `${file}: not JSON (${(error as Error).message})`, {
      hint: 'pass the neptune-agent.json of the original agent, or leave the migration out',
    });
  }
  const lower = (o: unknown): Record<string, unknown> =>
    o && typeof o === 'object' && !Array.isArray(o)
      ? Object.fromEntries(Object.entries(o).map(([k, v]) => [k.toLowerCase(), v]))
      : {};
  const root = lower(doc);
  const neptune = lower(root.neptune);
  const agent = lower(root.agent);
  const str = (v: unknown) =>
    typeof v === 'string' && v.trim() !== '' && !PLACEHOLDER.test(v) ? v.trim() : undefined;
  const raw: Partial<Record<SettingKey, Raw>> = {};
  const notes: string[] = [];

  const endpoint = str(neptune.endpoint);
  if (endpoint) {
    const host = endpoint.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
    if (ORIGINAL_SERVICE.has(host.toLowerCase())) {
      notes.push(
        `${file}: Endpoint ${host} is the original hosted service; set api-url to your neptune server`,
      );
    } else {
      raw.apiUrl = `https://${host}`;
    }
  }
  const hostname = str(agent.assignedhostname);
  if (hostname) raw.hostname = hostname;
  const logFile = str(agent.logfile);
  if (logFile) raw.logFile = path.resolve(path.dirname(path.resolve(file)), logFile);
  if (typeof agent.debugmode === 'boolean') raw.debug = agent.debugmode;
  if (str(neptune.apikey)) {
    notes.push(
      `${file}: the original API key is not used; enroll this host with a token from \`neptune hosts token create\``,
    );
  }
  if (str(agent.githubapikey)) {
    notes.push(
      `${file}: GithubApiKey is ignored: runbooks come signed from the neptune server, not from GitHub`,
    );
  }
  return { raw, notes };
}

export async function loadAgentConfig(options: LoadOptions = {}): Promise<LoadedConfig> {
  const env = options.env ?? process.env;
  const read = options.readText ?? ((file: string) => readFile(file, 'utf8'));
  const configFile = path.resolve(options.configFile ?? (env.NEPTUNE_AGENT_CONFIG || AGENT_CONFIG_FILE));
  const notes: string[] = [];

  const fileText = await readOptional(read, configFile);
  const fromFile = fileText === undefined ? {} : await parseAgentYaml(fileText, configFile);
  let fromLegacy: Partial<Record<SettingKey, Raw>> = {};
  if (options.legacyFile) {
    const text = await readOptional(read, options.legacyFile);
    if (text === undefined) {
      throw configError('AGENT_LEGACY_CONFIG', `${options.legacyFile}: no such file`, {
        hint: 'pass the path of the original agent’s neptune-agent.json',
      });
    }
    const legacy = readLegacyConfig(text, options.legacyFile);
    fromLegacy = legacy.raw;
    notes.push(...legacy.notes);
  }

  const settings = { ...DEFAULTS } as Record<SettingKey, unknown>;
  const sources = {} as Record<SettingKey, SettingSource>;
  for (const key of Object.keys(SETTINGS) as SettingKey[]) {
    const { env: envName, key: name } = SETTINGS[key];
    const candidates: [Raw, SettingSource, string][] = [
      [options.flags?.[key], 'flag', `--${name}`],
      [env[envName], 'env', envName],
      [fromFile[key], 'file', `${configFile}: ${name}`],
      [fromLegacy[key], 'legacy', `${options.legacyFile}`],
    ];
    sources[key] = 'default';
    for (const [value, source, where] of candidates) {
      if (value === undefined || value === null || (source === 'env' && value === '')) continue;
      const converted = convert(key, value);
      if (!converted.ok) {
        throw configError(
          'AGENT_CONFIG_VALUE',
          `${where}: invalid value ${JSON.stringify(String(value)).slice(0, 100)}`,
          {
            hint: `${name} takes ${converted.expected}`,
          },
        );
      }
      settings[key] = converted.value;
      sources[key] = source;
      break;
    }
  }
  return { settings: settings as unknown as AgentSettings, sources, configFile, notes };
}
