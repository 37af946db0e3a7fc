import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadMasterKey, newMasterKey, seal, unseal } from './sealing';

describe('secrets at rest', () => {
  const key = Buffer.from(newMasterKey().trim(), 'base64');

  it('round-trips, and each seal differs (random nonce)', () => {
    const a = seal(key, 'token-123', 'acme/pagerduty');
    expect(a).not.toContain('token-123');
    expect(seal(key, 'token-123', 'acme/pagerduty')).not.toBe(a);
    expect(unseal(key, a, 'acme/pagerduty')).toBe('token-123');
  });

  it('refuses another key, another context (a row moved to another account) and tampering', () => {
    const sealed = seal(key, 'token-123', 'acme/pagerduty');
    const other = Buffer.from(newMasterKey().trim(), 'base64');
    expect(() => unseal(other, sealed, 'acme/pagerduty')).toThrow(
      expect.objectContaining({ code: 'SERVER_SECRET_UNREADABLE' }),
    );
    expect(() => unseal(key, sealed, 'globex/pagerduty')).toThrow(expect.objectContaining({ kind: 'data' }));
    const raw = Buffer.from(sealed, 'base64');
    raw[14] = raw[14]! ^ 1;
    expect(() => unseal(key, raw.toString('base64'), 'acme/pagerduty')).toThrow();
  });

  it('takes the key from NEPTUNE_MASTER_KEY first, else master.key; a bad key is a config error', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'neptune-mk-'));
    await expect(loadMasterKey(dir, {})).rejects.toMatchObject({ code: 'SERVER_MASTER_KEY_MISSING' });
    await writeFile(path.join(dir, 'master.key'), newMasterKey());
    expect((await loadMasterKey(dir, {})).length).toBe(32);
    const env = { NEPTUNE_MASTER_KEY: key.toString('base64') };
    expect((await loadMasterKey(dir, env)).equals(key)).toBe(true);
    await expect(loadMasterKey(dir, { NEPTUNE_MASTER_KEY: 'short' })).rejects.toMatchObject({
      kind: 'config',
    });
  });
});
