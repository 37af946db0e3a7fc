/**
 * Where neptune keeps its files: the XDG base directories, overridable per kind with NEPTUNE_CONFIG_DIR,
 * NEPTUNE_CACHE_DIR and NEPTUNE_DATA_DIR. The same layout on macOS (like gh); %APPDATA%/%LOCALAPPDATA% on Windows.
 */
import os from 'node:os';
import path from 'node:path';

export interface Dirs {
  config: string;
  cache: string;
  data: string;
}

/** The system-wide config file, lowest in precedence (DESIGN §1, cli-conventions #10). */
export const SYSTEM_CONFIG_FILE = '/etc/neptune/config.json';

export function dirs(env: NodeJS.ProcessEnv = process.env, home: string = env.HOME || os.homedir()): Dirs {
  const pick = (override: string | undefined, xdg: string | undefined, fallback: string) =>
    override ? path.resolve(override) : path.join(xdg ? path.resolve(xdg) : fallback, 'neptune');
  if (process.platform === 'win32') {
    const roaming = env.APPDATA || path.join(home, 'AppData', 'Roaming');
    const local = env.LOCALAPPDATA || path.join(home, 'AppData', 'Local');
    return {
      config: pick(env.NEPTUNE_CONFIG_DIR, roaming, roaming),
      cache: pick(env.NEPTUNE_CACHE_DIR, path.join(local, 'cache'), local),
      data: pick(env.NEPTUNE_DATA_DIR, local, local),
    };
  }
  return {
    config: pick(env.NEPTUNE_CONFIG_DIR, env.XDG_CONFIG_HOME, path.join(home, '.config')),
    cache: pick(env.NEPTUNE_CACHE_DIR, env.XDG_CACHE_HOME, path.join(home, '.cache')),
    data: pick(env.NEPTUNE_DATA_DIR, env.XDG_DATA_HOME, path.join(home, '.local', 'share')),
  };
}
