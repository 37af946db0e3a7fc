import { chmodSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Keyring, openSecretStore } from './credentials';

function tmp() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'neptune-cred-'));
  return { configDir: path.join(dir, 'config'), cacheDir: path.join(dir, 'cache') };
}

/** An in-memory keychain: the far side (the OS keychain) is out of reach in CI. */
function memoryKeyring(): Keyring & { items: Map<string, string> } {
  const items = new Map<string, string>();
  return {
    items,
    get: async (s, a) => items.get(`${s}/${a}`) ?? null,
    set: async (s, a, v) => void items.set(`${s}/${a}`, v),
    delete: async (s, a) => items.delete(`${s}/${a}`),
  };
}

describe('openSecretStore', () => {
  it('uses the keychain when the probe answers, and leaves no probe entry behind', async () => {
    const keyring = memoryKeyring();
    const warnings: string[] = [];
    const store = await openSecretStore({ ...tmp(), env: {}, keyring, warn: (m) => warnings.push(m) });
    expect(store.kind).toBe('keychain');
    await store.set('default', 'nep_secret');
    expect(await store.get('default')).toBe('nep_secret');
    expect([...keyring.items.keys()]).toEqual(['neptune/default']);
    expect(warnings).toEqual([]);
  });

  it('falls back to a 0600 file with one warning when the keychain hangs past the limit', async () => {
    const paths = tmp();
    const hanging: Keyring = {
      get: () => new Promise(() => {}),
      set: () => new Promise(() => {}),
      delete: () => new Promise(() => {}),
    };
    const warnings: string[] = [];
    const store = await openSecretStore({
      ...paths,
      env: {},
      keyring: hanging,
      probeTimeoutMs: 50,
      warn: (m) => warnings.push(m),
    });
    expect(store.kind).toBe('file');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('credentials.json');
    await store.set('default', 'nep_abc');
    await store.set('work', 'nep_def');
    const file = path.join(paths.configDir, 'credentials.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(paths.configDir).mode & 0o777).toBe(0o700);
    expect(await store.get('work')).toBe('nep_def');
    expect(await store.delete('work')).toBe(true);
    expect(await store.delete('work')).toBe(false);
    expect(JSON.parse(readFileSync(file, 'utf8')).secrets).toEqual({ default: 'nep_abc' });
  });

  it('refuses a credentials file that others can read', async () => {
    const paths = tmp();
    const store = await openSecretStore({ ...paths, env: { NEPTUNE_CREDENTIAL_STORE: 'file' } });
    await store.set('default', 'nep_abc');
    const file = path.join(paths.configDir, 'credentials.json');
    chmodSync(file, 0o644);
    await expect(store.get('default')).rejects.toMatchObject({ code: 'CREDENTIALS_FILE_OPEN', exitCode: 78 });
  });

  it('honours NEPTUNE_CREDENTIAL_STORE=keychain strictly', async () => {
    await expect(
      openSecretStore({ ...tmp(), env: { NEPTUNE_CREDENTIAL_STORE: 'keychain' }, keyring: null }),
    ).rejects.toMatchObject({ code: 'CREDENTIALS_NO_KEYCHAIN' });
    await expect(
      openSecretStore({ ...tmp(), env: { NEPTUNE_CREDENTIAL_STORE: 'vault' } }),
    ).rejects.toMatchObject({
      code: 'CREDENTIALS_STORE_UNKNOWN',
    });
  });

  it('skips the probe on Linux without a session bus', async () => {
    if (process.platform !== 'linux') return;
    // keyring left undefined: the real OS keychain would be loaded, unless the missing bus rules it out first.
    const store = await openSecretStore({ ...tmp(), env: {}, warn: () => {} });
    expect(store.kind).toBe('file');
  });
});
