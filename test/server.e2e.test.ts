/**
 * The control plane end to end through the real CLI: server init, server start (its own process on 127.0.0.1, TLS
 * with the CA init generated), login --with-token on stdin, whoami, API keys, users, the device login, logout and a
 * graceful SIGTERM; on SQLite, and on PostgreSQL when NEPTUNE_TEST_DATABASE_URL is set (CI). From source, and from
 * the built executable under npm run test:exe.
 */
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, cliEnv, runCli, tempHome } from './helpers/cli';
import { reportSkippedEngines, type StartedServer, startServer, testEngines } from './helpers/server';

reportSkippedEngines();

// Tests of the CLI's own behaviour (token precedence, flag checks, profiles, TLS verification) do not depend on the
// store, so they are defined for SQLite only; everything that reads or writes the store runs on both engines.
describe.each(testEngines())('neptune server on %s, through the CLI', (engine) => {
  let server: StartedServer;
  const admin = tempHome();
  const cli = (
    args: string[],
    options: { home?: string; input?: string; env?: Record<string, string | undefined> } = {},
  ) => runCli(args, { home: options.home ?? admin, input: options.input, env: options.env });
  const session = () => ['--api-url', server.url, '--ca-file', server.caFile];

  beforeAll(async () => {
    server = await startServer({ engine });
  });
  afterAll(async () => {
    await server?.dispose();
  });

  it('server init made a private CA and 0600 keys, and start serves the probes over TLS', async () => {
    expect(statSync(path.join(server.dataDir, 'tls', 'server.key')).mode & 0o777).toBe(0o600);
    expect(statSync(path.join(server.dataDir, 'tls', 'ca.key')).mode & 0o777).toBe(0o600);
    expect(statSync(server.dataDir).mode & 0o777).toBe(0o700);
    expect(server.apiKey).toMatch(/^nep_[A-Za-z0-9_-]{43}$/);
    expect(server.logs()).toContain('"msg":"neptune server ready"');
  });

  it('login --with-token reads the key from stdin and whoami names account, user, role and source', async () => {
    const login = await cli(['login', ...session(), '--with-token'], { input: `${server.apiKey}\n` });
    expect(login.stderr).toContain('logged in to');
    expect(login.code).toBe(0);
    const who = await cli(['whoami']);
    expect(who.code).toBe(0);
    expect(who.stdout).toMatch(/account +acme/);
    expect(who.stdout).toMatch(/user +admin@acme\.test/);
    expect(who.stdout).toMatch(/role +admin/);
    expect(who.stdout).toContain('token    from the credentials file');
    const json = JSON.parse((await cli(['whoami', '--json'])).stdout);
    expect(json).toMatchObject({
      account: { handle: 'acme' },
      user: { email: 'admin@acme.test', role: 'admin' },
      key: { origin: 'init', scopes: ['admin'] },
      tokenSource: 'file',
      profile: 'default',
    });
    // The key never lands in the config file or the logs.
    const config = await import('node:fs/promises').then((fs) =>
      fs.readFile(path.join(admin, 'config', 'config.json'), 'utf8'),
    );
    expect(config).not.toContain(server.apiKey);
    expect(server.logs()).not.toContain(server.apiKey);
    expect(statSync(path.join(admin, 'config', 'credentials.json')).mode & 0o777).toBe(0o600);
  });

  if (engine === 'sqlite') {
    it('NEPTUNE_TOKEN wins over the stored key, whoami says so, and login refuses while it is set', async () => {
      const created = JSON.parse(
        (await cli(['apikeys', 'create', '--name', 'env-key', '--scope', 'read', '--json'])).stdout,
      );
      const env = { NEPTUNE_TOKEN: created.secret };
      const who = await cli(['whoami', '--json'], { env });
      expect(JSON.parse(who.stdout)).toMatchObject({ tokenSource: 'env', key: { name: 'env-key' } });
      expect(who.stderr).toContain('using NEPTUNE_TOKEN');
      const login = await cli(['login', ...session(), '--with-token'], { env, input: server.apiKey });
      expect(login.code).toBe(78);
      expect(login.stderr).toContain('NEPTUNE_TOKEN is set');
    });
  }

  it('apikeys create, list, rotate and revoke; revoked and rotated-out keys stop working (77)', async () => {
    const create = await cli(['apikeys', 'create', '--name', 'ci', '--scope', 'read', '--expires-in', '30d']);
    expect(create.code).toBe(0);
    const secret = create.stdout.trim();
    expect(secret).toMatch(/^nep_/);
    const list = JSON.parse((await cli(['apikeys', 'list', '--json'])).stdout);
    const ci = list.apiKeys.find((k: { name: string }) => k.name === 'ci');
    expect(ci).toMatchObject({ scopes: ['read'], revokedAt: null, prefix: secret.slice(0, 12) });
    expect(JSON.stringify(list)).not.toContain(secret);
    const human = await cli(['apikeys', 'list']);
    expect(human.stdout).toMatch(/^ID +NAME +PREFIX/);
    expect((await cli(['whoami'], { env: { NEPTUNE_TOKEN: secret } })).code).toBe(0);

    const rotated = JSON.parse((await cli(['apikeys', 'rotate', ci.id, '--json'])).stdout);
    expect(rotated.apiKey).toMatchObject({ name: 'ci', scopes: ['read'] });
    const old = await cli(['whoami'], { env: { NEPTUNE_TOKEN: secret } });
    expect(old.code).toBe(77);
    expect(old.stderr).toContain('revoked');
    expect((await cli(['whoami'], { env: { NEPTUNE_TOKEN: rotated.secret } })).code).toBe(0);

    const noYes = await cli(['apikeys', 'revoke', rotated.apiKey.id]);
    expect(noYes.code).toBe(64);
    expect(noYes.stderr).toContain('--yes');
    const revoke = await cli(['apikeys', 'revoke', rotated.apiKey.id, '--yes']);
    expect(revoke.code).toBe(0);
    expect((await cli(['whoami'], { env: { NEPTUNE_TOKEN: rotated.secret } })).code).toBe(77);
    const missing = await cli(['apikeys', 'revoke', '00000000-0000-4000-8000-000000000000', '--yes']);
    expect(missing.code).toBe(64);
    expect(missing.stderr).toContain('no such API key');
  });

  if (engine === 'sqlite') {
    it('a read key cannot create an admin key, and bad flags are usage errors (64)', async () => {
      const read = (await cli(['apikeys', 'create', '--name', 'r', '--scope', 'read'])).stdout.trim();
      const escalate = await cli(['apikeys', 'create', '--name', 'x', '--scope', 'admin'], {
        env: { NEPTUNE_TOKEN: read },
      });
      expect(escalate.code).toBe(77);
      expect(escalate.stderr).toContain('admin');
      expect((await cli(['apikeys', 'create', '--name', 'x', '--scope', 'root'])).code).toBe(64);
      expect(
        (await cli(['apikeys', 'create', '--name', 'x', '--scope', 'read', '--expires-in', 'forever'])).code,
      ).toBe(64);
      expect((await cli(['users', 'invite', 'x@acme.test', '--role', 'king'])).code).toBe(64);
    });
  }

  it('users invite, accept with login --with-token, set-role and remove', async () => {
    const invite = await cli(['users', 'invite', 'Ana@Acme.test', '--role', 'viewer']);
    expect(invite.code).toBe(0);
    const token = invite.stdout.trim();
    expect(token).toMatch(/^nepi_/);
    const ana = tempHome();
    const login = await cli(['login', ...session(), '--with-token'], { home: ana, input: token });
    expect(login.code).toBe(0);
    expect(JSON.parse((await cli(['whoami', '--json'], { home: ana })).stdout)).toMatchObject({
      user: { email: 'ana@acme.test', role: 'viewer' },
      key: { origin: 'invite' },
    });
    // The invitation works once.
    expect(
      (await cli(['login', ...session(), '--with-token'], { home: tempHome(), input: token })).code,
    ).toBe(77);
    // A viewer may read the users but not invite.
    expect((await cli(['users', 'list'], { home: ana })).stdout).toMatch(/ana@acme\.test +viewer +active/);
    const denied = await cli(['users', 'invite', 'eve@acme.test', '--role', 'admin'], { home: ana });
    expect(denied.code).toBe(77);

    const promote = await cli(['users', 'set-role', 'ana@acme.test', 'operator', '--json']);
    expect(JSON.parse(promote.stdout)).toMatchObject({ email: 'ana@acme.test', role: 'operator' });
    const last = await cli(['users', 'set-role', 'admin@acme.test', 'viewer']);
    expect(last.code).toBe(1);
    expect(last.stderr).toContain('last admin');
    expect((await cli(['users', 'remove', 'ana@acme.test', '--yes'])).code).toBe(0);
    const gone = await cli(['whoami'], { home: ana });
    expect(gone.code).toBe(77);
    expect((await cli(['users', 'remove', 'ana@acme.test', '--yes'])).code).toBe(64);
  });

  it('device login (RFC 8628): one CLI waits, another approves with login --approve, logout revokes it', async () => {
    const laptop = tempHome();
    const child = spawn(BIN, ['login', ...session(), '--json'], {
      env: cliEnv(laptop),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    child.stdin.end();
    let stderr = '';
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    const code = await new Promise<string>((resolve, reject) => {
      child.stderr.setEncoding('utf8').on('data', (d: string) => {
        stderr += d;
        const match = /approve the code ([A-Z]{4}-[A-Z]{4})/.exec(stderr);
        if (match?.[1]) resolve(match[1]);
      });
      child.on('exit', () => reject(new Error(`login exited early: ${stderr}`)));
    });
    expect(stderr).toContain(`${server.url}/device?user_code=`);
    const approve = await cli(['login', '--approve', code.toLowerCase().replace('-', '')]);
    expect(approve.code).toBe(0);
    const exit = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(exit).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ method: 'device', user: 'admin@acme.test', account: 'acme' });
    const who = JSON.parse((await cli(['whoami', '--json'], { home: laptop })).stdout);
    expect(who.key).toMatchObject({ origin: 'login', scopes: ['admin'] });
    // The code is used up.
    expect((await cli(['login', '--approve', code])).code).toBe(64);

    const { readFile } = await import('node:fs/promises');
    const stored = JSON.parse(await readFile(path.join(laptop, 'config', 'credentials.json'), 'utf8'));
    const loginKey = stored.secrets.default as string;
    const logout = await cli(['logout', '--json'], { home: laptop });
    expect(JSON.parse(logout.stdout)).toMatchObject({ revoked: true, cleared: true });
    expect((await cli(['whoami'], { home: laptop })).code).toBe(77);
    expect((await cli(['whoami'], { env: { NEPTUNE_TOKEN: loginKey } })).code).toBe(77);
  }, 60_000);

  if (engine === 'sqlite') {
    it('profiles list, use and remove', async () => {
      const home = tempHome();
      const key = (await cli(['apikeys', 'create', '--name', 'p', '--scope', 'read'])).stdout.trim();
      expect(
        (await cli(['login', ...session(), '--with-token', '--profile', 'one'], { home, input: key })).code,
      ).toBe(0);
      expect(
        (await cli(['login', ...session(), '--with-token', '--profile', 'two'], { home, input: key })).code,
      ).toBe(0);
      const list = JSON.parse((await cli(['profiles', 'list', '--json'], { home })).stdout);
      expect(list.profiles.map((p: { name: string; current: boolean }) => [p.name, p.current])).toEqual([
        ['one', false],
        ['two', true],
      ]);
      expect((await cli(['profiles', 'use', 'one'], { home })).code).toBe(0);
      expect((await cli(['profiles', 'list'], { home })).stdout).toMatch(/\* one/);
      expect((await cli(['profiles', 'remove', 'two'], { home })).code).toBe(0);
      expect((await cli(['whoami', '--profile', 'two'], { home })).code).toBe(78);
      expect((await cli(['profiles', 'use', 'nope'], { home })).code).toBe(64);
    });
  }

  if (engine === 'sqlite') {
    it('TLS is verified: without the CA the CLI exits 69; an http:// URL is refused (64)', async () => {
      const r = await cli(['login', '--api-url', server.url, '--with-token'], {
        home: tempHome(),
        input: server.apiKey,
      });
      expect(r.code).toBe(69);
      expect(r.stderr).toContain('TLS verification failed');
      const http = await cli(['login', '--api-url', server.url.replace('https', 'http'), '--with-token'], {
        home: tempHome(),
        input: server.apiKey,
      });
      expect(http.code).toBe(64);
    });
  }

  it('SIGTERM drains: a request in flight completes, then the process exits 0; it starts again on the same data', async () => {
    // A request whose body is still arriving when SIGTERM comes: it must be answered, not cut.
    const https = await import('node:https');
    const { readFileSync } = await import('node:fs');
    const body = JSON.stringify({ name: 'in-flight', scopes: ['read'] });
    const url = new URL('/v1/apikeys', server.url);
    let stopping: ReturnType<StartedServer['stop']> | undefined;
    const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = https.request(
        url,
        {
          method: 'POST',
          ca: readFileSync(server.caFile),
          headers: {
            authorization: `Bearer ${server.apiKey}`,
            'content-type': 'application/json',
            'content-length': String(Buffer.byteLength(body)),
          },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8').on('data', (d: string) => {
            text += d;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on('error', reject);
      req.write(body.slice(0, 10));
      setTimeout(() => {
        stopping = server.stop('SIGTERM');
        setTimeout(() => req.end(body.slice(10)), 700);
      }, 300);
    });
    const inFlight = await answer;
    expect(inFlight.status).toBe(201);
    expect(JSON.parse(inFlight.text).apiKey.name).toBe('in-flight');
    const stopped = await stopping;
    expect(stopped).toEqual({ code: 0, signal: null });
    expect(server.logs()).toContain('shutting down');
    expect(existsSync(path.join(server.dataDir, 'server.pid'))).toBe(false);
    const asAdmin = () =>
      cli(['whoami', ...session()], { home: tempHome(), env: { NEPTUNE_TOKEN: server.apiKey } });
    const down = await asAdmin();
    expect(down.code).toBe(69);
    expect(down.stderr).toContain('connection refused');
    await server.restart();
    expect((await asAdmin()).code).toBe(0);
  }, 60_000);
});

describe.each(testEngines().filter((e) => e === 'postgres'))('two replicas on one %s', (engine) => {
  let server: StartedServer;
  beforeAll(async () => {
    server = await startServer({ engine });
  });
  afterAll(async () => {
    await server?.dispose();
  });

  it('a key made through one replica works on the other, and a revocation on one holds on both', async () => {
    const replica = await server.startReplica();
    try {
      const home = tempHome();
      const on = (url: string, args: string[], env: Record<string, string> = {}) =>
        runCli([...args, '--api-url', url, '--ca-file', server.caFile], {
          home,
          env: { NEPTUNE_TOKEN: server.apiKey, ...env },
        });
      const created = JSON.parse(
        (await on(server.url, ['apikeys', 'create', '--name', 'r', '--scope', 'read', '--json'])).stdout,
      );
      const who = await on(replica.url, ['whoami', '--json'], { NEPTUNE_TOKEN: created.secret });
      expect(JSON.parse(who.stdout)).toMatchObject({ key: { id: created.apiKey.id } });
      expect((await on(replica.url, ['apikeys', 'revoke', created.apiKey.id, '--yes'])).code).toBe(0);
      expect((await on(server.url, ['whoami'], { NEPTUNE_TOKEN: created.secret })).code).toBe(77);
    } finally {
      await replica.stop();
    }
  });
});
