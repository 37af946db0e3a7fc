import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateSigningKey } from './keys';
import { loadTrustFile } from './operations';

describe('loadTrustFile', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'neptune-trust-'));
  const { jwks, kid } = generateSigningKey();

  it('loads a trust file that only its owner can write', async () => {
    const file = path.join(dir, 'ok', 'trust.jwks');
    mkdirSync(path.dirname(file), { mode: 0o755 });
    chmodSync(path.dirname(file), 0o755);
    writeFileSync(file, JSON.stringify(jwks), { mode: 0o644 });
    chmodSync(file, 0o644);
    expect((await loadTrustFile(file)).map((k) => k.kid)).toEqual([kid]);
  });

  it('refuses a trust file, or its directory, that others can write', async () => {
    const file = path.join(dir, 'open', 'trust.jwks');
    mkdirSync(path.dirname(file), { mode: 0o755 });
    chmodSync(path.dirname(file), 0o755);
    writeFileSync(file, JSON.stringify(jwks));
    chmodSync(file, 0o666);
    await expect(loadTrustFile(file)).rejects.toMatchObject({ code: 'TRUST_FILE_WRITABLE', exitCode: 78 });
    chmodSync(file, 0o644);
    chmodSync(path.dirname(file), 0o777);
    await expect(loadTrustFile(file)).rejects.toMatchObject({ code: 'TRUST_FILE_WRITABLE' });
  });

  it('refuses an empty trust file and reports a missing one as exit 66', async () => {
    const file = path.join(dir, 'ok', 'empty.jwks');
    writeFileSync(file, '{"keys": []}');
    chmodSync(file, 0o644);
    await expect(loadTrustFile(file)).rejects.toMatchObject({ code: 'TRUST_FILE_EMPTY', exitCode: 78 });
    await expect(loadTrustFile(path.join(dir, 'none.jwks'))).rejects.toMatchObject({ exitCode: 66 });
  });
});
