import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openUserConfig, readSystemConfig, resolveSettings, withoutProfile, withProfile } from './config';
import { dirs } from './paths';

describe('resolveSettings: flag > env > profile > system', () => {
  const user = {
    currentProfile: 'work',
    profiles: { work: { apiUrl: 'https://profile.example' }, other: { apiUrl: 'https://other.example' } },
  };
  const system = { apiUrl: 'https://system.example', caFile: '/etc/neptune/ca.pem' };

  it('takes the flag first', () => {
    const s = resolveSettings({
      flags: { apiUrl: 'https://flag.example' },
      env: { NEPTUNE_API_URL: 'https://env.example' },
      user,
      system,
    });
    expect(s.apiUrl).toEqual({ value: 'https://flag.example', source: 'flag' });
  });
  it('then the environment', () => {
    const s = resolveSettings({ flags: {}, env: { NEPTUNE_API_URL: 'https://env.example' }, user, system });
    expect(s.apiUrl).toEqual({ value: 'https://env.example', source: 'env' });
  });
  it('then the current profile, then the system file', () => {
    expect(resolveSettings({ flags: {}, env: {}, user, system }).apiUrl?.value).toBe(
      'https://profile.example',
    );
    expect(resolveSettings({ flags: {}, env: {}, user: {}, system }).apiUrl).toEqual({
      value: 'https://system.example',
      source: 'system',
    });
    expect(resolveSettings({ flags: {}, env: {}, user, system }).caFile?.source).toBe('system');
  });
  it('chooses the profile by flag, NEPTUNE_PROFILE, the current one, or "default"', () => {
    expect(
      resolveSettings({ flags: {}, env: { NEPTUNE_PROFILE: 'other' }, user, system }).apiUrl?.value,
    ).toBe('https://other.example');
    expect(resolveSettings({ flags: { profile: 'x' }, env: {}, user, system }).profile).toEqual({
      value: 'x',
      source: 'flag',
    });
    expect(resolveSettings({ flags: {}, env: {}, user: {}, system: {} }).profile).toEqual({
      value: 'default',
      source: 'default',
    });
  });
  it('rejects a profile name that is not a plain word (exit 64)', () => {
    expect(() => resolveSettings({ flags: { profile: '../x' }, env: {}, user, system })).toThrow(
      /invalid profile/,
    );
  });
});

describe('profiles', () => {
  it('adds, merges and removes profiles without touching others', () => {
    let data = withProfile({}, 'a', { apiUrl: 'https://a' });
    data = withProfile(data, 'a', { account: 'acme' });
    data = withProfile({ ...data, currentProfile: 'a' }, 'b', { apiUrl: 'https://b' });
    expect(data.profiles).toEqual({
      a: { apiUrl: 'https://a', account: 'acme' },
      b: { apiUrl: 'https://b' },
    });
    const removed = withoutProfile(data, 'a');
    expect(removed.profiles).toEqual({ b: { apiUrl: 'https://b' } });
    expect(removed.currentProfile).toBeUndefined();
    expect(() => withoutProfile(removed, 'a')).toThrow(/no profile named "a"/);
  });
});

describe('files', () => {
  it('keeps the user config in the config dir, mode 0600', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'neptune-config-'));
    const store = await openUserConfig(dir);
    store.write(withProfile({}, 'default', { apiUrl: 'https://x' }));
    expect(store.path).toBe(path.join(dir, 'config.json'));
    expect(statSync(store.path).mode & 0o777).toBe(0o600);
    expect((await openUserConfig(dir)).read().profiles?.default?.apiUrl).toBe('https://x');
  });

  it('reports a broken system config as a configuration error (78)', () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'neptune-sys-')), 'config.json');
    writeFileSync(file, '{nope');
    expect(() => readSystemConfig(file)).toThrow(expect.objectContaining({ exitCode: 78 }));
    expect(readSystemConfig('/nonexistent/neptune.json')).toEqual({});
  });

  it('puts dirs under XDG, overridable per kind', () => {
    expect(dirs({ XDG_CONFIG_HOME: '/x/cfg' }, '/home/u')).toEqual({
      config: '/x/cfg/neptune',
      cache: '/home/u/.cache/neptune',
      data: '/home/u/.local/share/neptune',
    });
    expect(dirs({ NEPTUNE_CONFIG_DIR: '/n/c', XDG_CONFIG_HOME: '/x' }, '/h').config).toBe('/n/c');
  });
});
