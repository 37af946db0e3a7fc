/**
 * The user API over real TLS on 127.0.0.1: tenant isolation on every endpoint, expired and revoked keys, scopes,
 * malformed and oversized bodies, unknown fields, rate limits and brute-force throttling, the device flow, and a
 * corpus of malformed requests that must never make the server answer 500. SQLite, and PostgreSQL when
 * NEPTUNE_TEST_DATABASE_URL is set.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENDPOINTS, type EndpointName } from '../api/endpoints';
import { POSTGRES_SKIP_REASON, startTestServer, type TestServer, testEngines } from './testing';

if (!process.env.NEPTUNE_TEST_DATABASE_URL) console.log(POSTGRES_SKIP_REASON);

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

function expectError(
  res: { status: number; body: any; headers: Record<string, unknown> },
  status: number,
  code?: string,
) {
  expect(res.status).toBe(status);
  expect(res.body).toEqual({
    error: {
      code: code ?? expect.any(String),
      message: expect.any(String),
      requestId: res.headers['x-request-id'],
    },
  });
}

describe.each(testEngines())('user API on %s', (engine) => {
  let s: TestServer;
  let globex: string;
  let acmeKeyId: string;

  beforeAll(async () => {
    s = await startTestServer({ engine, limits: { accountPerMinute: 100_000, failuresPerWindow: 10_000 } });
    globex = await s.addAccount('globex', 'admin@globex.test');
    acmeKeyId = (await s.call('GET', '/v1/whoami', { key: s.adminKey })).body.key.id;
  });
  afterAll(async () => {
    await s?.close();
  });

  describe('tenant isolation: another account’s admin gets 404/403 and learns nothing', () => {
    // One way to aim each endpoint at acme's data with globex's credentials. A new endpoint without an entry fails.
    const attacks: Record<EndpointName, () => Promise<{ status: number; text: string }>> = {
      whoami: () => s.call('GET', '/v1/whoami', { key: globex }),
      logout: () => s.call('DELETE', '/v1/session', { key: globex }),
      listApiKeys: () => s.call('GET', '/v1/apikeys', { key: globex }),
      createApiKey: () =>
        s.call('POST', '/v1/apikeys', { key: globex, json: { name: 'x', scopes: ['read'] } }),
      revokeApiKey: () => s.call('DELETE', `/v1/apikeys/${acmeKeyId}`, { key: globex }),
      rotateApiKey: () => s.call('POST', `/v1/apikeys/${acmeKeyId}/rotate`, { key: globex }),
      listUsers: () => s.call('GET', '/v1/users', { key: globex }),
      inviteUser: () =>
        s.call('POST', '/v1/users', { key: globex, json: { email: 'new@globex.test', role: 'viewer' } }),
      setUserRole: () =>
        s.call('PATCH', '/v1/users/admin@acme.test', { key: globex, json: { role: 'viewer' } }),
      removeUser: () => s.call('DELETE', '/v1/users/admin@acme.test', { key: globex }),
      acceptInvitation: () =>
        s.call('POST', '/v1/invitations/accept', { json: { token: `nepi_${'A'.repeat(43)}` } }),
      deviceCode: () => s.call('POST', '/v1/oauth/device/code', { json: { client_id: 'neptune-cli' } }),
      deviceToken: () =>
        s.call('POST', '/v1/oauth/token', {
          json: {
            grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
            device_code: 'x',
            client_id: 'neptune-cli',
          },
        }),
      deviceApprove: () =>
        s.call('POST', '/v1/oauth/device/approve', { key: globex, json: { userCode: 'BCDF-GHJK' } }),
      createEnrollmentToken: () => s.call('POST', '/v1/hosts/tokens', { key: globex, json: {} }),
      listHosts: () => s.call('GET', '/v1/hosts', { key: globex }),
      showHost: () => s.call('GET', `/v1/hosts/${UNKNOWN_ID}`, { key: globex }),
      revokeHost: () => s.call('POST', `/v1/hosts/${UNKNOWN_ID}/revoke`, { key: globex }),
      createRun: () =>
        s.call('POST', '/v1/actions', {
          key: globex,
          json: {
            runbook: { name: 'x', script: 'true', signature: null },
            hosts: ['web-1'],
            tags: [],
            params: {},
            timeoutSeconds: 60,
          },
        }),
      listActions: () => s.call('GET', '/v1/actions', { key: globex }),
      showAction: () => s.call('GET', `/v1/actions/${UNKNOWN_ID}`, { key: globex }),
      actionOutput: () => s.call('GET', `/v1/actions/${UNKNOWN_ID}/output/-1`, { key: globex }),
      cancelAction: () => s.call('POST', `/v1/actions/${UNKNOWN_ID}/cancel`, { key: globex }),
    };

    it('covers every endpoint of the contract', () => {
      expect(Object.keys(attacks).sort()).toEqual(Object.keys(ENDPOINTS).sort());
    });

    it.each(Object.keys(ENDPOINTS) as EndpointName[])('%s', async (name) => {
      const before = await s.store.auditOf((await s.store.accountByHandle('acme'))!.id);
      const res = await attacks[name]();
      expect(res.status).toBeLessThan(500);
      // Nothing of acme's in the answer: not its handle, users, key ids or prefixes.
      for (const secret of ['acme', acmeKeyId, s.adminKey.slice(0, 12)])
        expect(res.text).not.toContain(secret);
      if ([200, 201].includes(res.status)) {
        expect([
          'whoami',
          'logout',
          'listApiKeys',
          'createApiKey',
          'listUsers',
          'inviteUser',
          'deviceCode',
          'createEnrollmentToken',
          'listHosts',
          'listActions',
        ]).toContain(name);
      } else {
        expect([400, 401, 403, 404]).toContain(res.status);
      }
      // acme is untouched: its admin key works, its audit trail did not grow.
      expect((await s.call('GET', '/v1/whoami', { key: s.adminKey })).status).toBe(200);
      const after = await s.store.auditOf((await s.store.accountByHandle('acme'))!.id);
      expect(after.length).toBe(before.length);
    });

    it('the ids of another account are "not found", exactly like ids that do not exist', async () => {
      const foreign = await s.call('DELETE', `/v1/apikeys/${acmeKeyId}`, { key: globex });
      const unknown = await s.call('DELETE', `/v1/apikeys/${UNKNOWN_ID}`, { key: globex });
      expectError(foreign, 404, 'APIKEYS_NOT_FOUND');
      expect(unknown.status).toBe(404);
      expect(foreign.body.error.message).toBe(unknown.body.error.message);
      const user = await s.call('PATCH', '/v1/users/admin@acme.test', {
        key: globex,
        json: { role: 'viewer' },
      });
      const nobody = await s.call('PATCH', '/v1/users/nobody@acme.test', {
        key: globex,
        json: { role: 'viewer' },
      });
      expect([user.status, user.body.error.message]).toEqual([nobody.status, nobody.body.error.message]);
    });

    it('a device code approved by globex logs the device into globex, never acme', async () => {
      const code = await s.call('POST', '/v1/oauth/device/code', { json: { client_id: 'neptune-cli' } });
      expect(
        (
          await s.call('POST', '/v1/oauth/device/approve', {
            key: globex,
            json: { userCode: code.body.user_code },
          })
        ).status,
      ).toBe(200);
      const token = await s.call('POST', '/v1/oauth/token', {
        json: {
          grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
          device_code: code.body.device_code,
          client_id: 'neptune-cli',
        },
      });
      expect(token.status).toBe(200);
      const me = await s.call('GET', '/v1/whoami', { key: token.body.access_token });
      expect(me.body.account.handle).toBe('globex');
    });
  });

  describe('keys: expiry, revocation, scopes', () => {
    const create = async (scopes: string[], extra: Record<string, unknown> = {}, key = s.adminKey) =>
      s.call('POST', '/v1/apikeys', { key, json: { name: `k-${scopes.join('-')}`, scopes, ...extra } });

    it('an expired key is refused with 401 AUTH_KEY_EXPIRED', async () => {
      const { body } = await create(['read'], { expiresInSeconds: 60 });
      expect((await s.call('GET', '/v1/whoami', { key: body.secret })).status).toBe(200);
      const saved = s.clock.now;
      s.clock.now = new Date(saved.getTime() + 61_000);
      try {
        expectError(await s.call('GET', '/v1/whoami', { key: body.secret }), 401, 'AUTH_KEY_EXPIRED');
      } finally {
        s.clock.now = saved;
      }
    });

    it('a revoked key is refused with 401 AUTH_KEY_REVOKED; revoking twice says revoked: false', async () => {
      const { body } = await create(['read']);
      const revoke = await s.call('DELETE', `/v1/apikeys/${body.apiKey.id}`, { key: s.adminKey });
      expect(revoke.body).toEqual({ revoked: true });
      expectError(await s.call('GET', '/v1/whoami', { key: body.secret }), 401, 'AUTH_KEY_REVOKED');
      expect((await s.call('DELETE', `/v1/apikeys/${body.apiKey.id}`, { key: s.adminKey })).body).toEqual({
        revoked: false,
      });
      expectError(
        await s.call('POST', `/v1/apikeys/${body.apiKey.id}/rotate`, { key: s.adminKey }),
        409,
        'APIKEYS_REVOKED',
      );
    });

    it('unknown, malformed and missing keys are 401, and the stored hash is not the key', async () => {
      expectError(await s.call('GET', '/v1/whoami'), 401, 'AUTH_REQUIRED');
      expectError(
        await s.call('GET', '/v1/whoami', { key: `nep_${'x'.repeat(43)}` }),
        401,
        'AUTH_INVALID_KEY',
      );
      expectError(
        await s.call('GET', '/v1/whoami', { headers: { authorization: 'Basic YTpi' } }),
        401,
        'AUTH_MALFORMED',
      );
      // An agent-style JWT is not a user API key.
      expectError(
        await s.call('GET', '/v1/whoami', { key: 'eyJhbGciOiJFZERTQSJ9.e30.sig' }),
        401,
        'AUTH_INVALID_KEY',
      );
      const rows = await s.store.db.selectFrom('api_keys').select('hash').execute();
      expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.hash) && !r.hash.includes('nep_'))).toBe(true);
    });

    it.each([
      [['read'], 'POST', '/v1/users', { email: 'a@b.test', role: 'viewer' }],
      [['read'], 'DELETE', '/v1/users/admin@acme.test', undefined],
      [['agent:enroll'], 'GET', '/v1/users', undefined],
      [['ingest'], 'GET', '/v1/apikeys', undefined],
      [['ingest'], 'POST', '/v1/oauth/device/approve', { userCode: 'BCDF-GHJK' }],
      [['operator'], 'PATCH', '/v1/users/admin@acme.test', { role: 'viewer' }],
    ])('a %j key is refused %s %s with 403 AUTH_SCOPE_MISSING', async (scopes, method, path, json) => {
      const { body } = await create(scopes);
      expectError(await s.call(method, path, { key: body.secret, json }), 403, 'AUTH_SCOPE_MISSING');
    });

    it('a key cannot create or rotate into more than it holds, nor more than its user’s role', async () => {
      const operator = (await create(['operator'])).body.secret;
      expectError(await create(['admin'], {}, operator), 403, 'APIKEYS_SCOPE_EXCEEDS');
      expect((await create(['read', 'ingest'], {}, operator)).status).toBe(201);
      // A viewer, even holding a key named "admin" by someone, gets read only.
      const invite = await s.call('POST', '/v1/users', {
        key: s.adminKey,
        json: { email: 'viewer@acme.test', role: 'viewer' },
      });
      const accepted = await s.call('POST', '/v1/invitations/accept', { json: { token: invite.body.token } });
      expect(accepted.body.apiKey.scopes).toEqual(['read']);
      expectError(await create(['operator'], {}, accepted.body.secret), 403, 'APIKEYS_SCOPE_EXCEEDS');
      expectError(
        await s.call('POST', '/v1/invitations/accept', { json: { token: invite.body.token } }),
        401,
        'INVITE_INVALID',
      );
    });

    it('users: the last admin cannot be demoted or removed; removing a user revokes their keys', async () => {
      expectError(
        await s.call('PATCH', '/v1/users/admin@acme.test', { key: s.adminKey, json: { role: 'viewer' } }),
        409,
        'USERS_LAST_ADMIN',
      );
      expectError(
        await s.call('DELETE', '/v1/users/admin@acme.test', { key: s.adminKey }),
        409,
        'USERS_LAST_ADMIN',
      );
      const invite = await s.call('POST', '/v1/users', {
        key: s.adminKey,
        json: { email: 'Temp@Acme.test', role: 'operator' },
      });
      expect(invite.body.user.email).toBe('temp@acme.test');
      expectError(
        await s.call('POST', '/v1/users', {
          key: s.adminKey,
          json: { email: 'temp@acme.test', role: 'viewer' },
        }),
        409,
        'USERS_EXISTS',
      );
      const key = (await s.call('POST', '/v1/invitations/accept', { json: { token: invite.body.token } }))
        .body.secret;
      expect((await s.call('GET', '/v1/whoami', { key })).status).toBe(200);
      expect((await s.call('DELETE', '/v1/users/temp@acme.test', { key: s.adminKey })).body).toEqual({
        removed: true,
      });
      expect((await s.call('GET', '/v1/whoami', { key })).status).toBe(401);
    });

    it('last_used_at is recorded', async () => {
      const { body } = await create(['read']);
      await s.call('GET', '/v1/whoami', { key: body.secret });
      const row = await s.store.keyById((await s.store.accountByHandle('acme'))!.id, body.apiKey.id);
      expect(row?.last_used_at).toBe(s.clock.now.toISOString());
    });
  });

  describe('malformed requests', () => {
    const post = (body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
      s.call('POST', '/v1/apikeys', { key: s.adminKey, body, headers });

    it('invalid JSON, wrong types, unknown fields, missing fields: 400', async () => {
      expectError(await post('{"name":'), 400, 'API_INVALID_JSON');
      expectError(await post(''), 400);
      expectError(await post('{"name": 5, "scopes": ["read"]}'), 400, 'API_INVALID_REQUEST');
      expectError(await post('{"name": "x", "scopes": ["read"], "admin": true}'), 400, 'API_INVALID_REQUEST');
      expectError(await post('{"name": "x"}'), 400, 'API_INVALID_REQUEST');
      expectError(await post('{"name": "x", "scopes": ["root"]}'), 400, 'API_INVALID_REQUEST');
      expectError(await post('{"name": "x", "scopes": ["read", "read"]}'), 400, 'API_INVALID_REQUEST');
      expectError(
        await post('{"name": "x", "scopes": ["read"], "expiresInSeconds": "60"}'),
        400,
        'API_INVALID_REQUEST',
      );
      expectError(
        await post('{"name": "x", "scopes": ["read"], "expiresInSeconds": 1e12}'),
        400,
        'API_INVALID_REQUEST',
      );
      expectError(
        await post('{"__proto__": {"admin": true}, "name": "x", "scopes": ["read"]}'),
        400,
        'API_INVALID_JSON',
      );
      expectError(
        await s.call('DELETE', '/v1/apikeys/not-a-uuid', { key: s.adminKey }),
        400,
        'API_INVALID_REQUEST',
      );
      expectError(
        await s.call('PATCH', '/v1/users/not-an-email', { key: s.adminKey, json: { role: 'viewer' } }),
        400,
      );
    });

    it('an oversized body is 413, a body that is not JSON is 415', async () => {
      const big = JSON.stringify({ name: 'x'.repeat(70 * 1024), scopes: ['read'] });
      expectError(await post(big), 413, 'API_BODY_TOO_LARGE');
      expectError(await post('name=x', { 'content-type': 'application/x-www-form-urlencoded' }), 415);
      expectError(await post('<x/>', { 'content-type': 'text/xml' }), 415);
    });

    it('unknown routes are 404 in the error format', async () => {
      expectError(await s.call('GET', '/v1/nothing', { key: s.adminKey }), 404, 'API_NOT_FOUND');
      expectError(await s.call('GET', '/v1/apikeys/', { key: s.adminKey }), 404);
    });

    it('a corpus of hostile requests never gets a 500', async () => {
      const bodies = [
        'null',
        '[]',
        '"x"',
        '1',
        'true',
        '{}',
        '{"a":',
        '\u0000',
        '{"name":"\u0000"}',
        '{"email":[]}',
        JSON.stringify({ name: '💥'.repeat(200), scopes: ['read'] }),
        '{"role":{"$ne":null}}',
        JSON.stringify({ token: "' OR 1=1 --" }),
        '{"userCode":"%00"}',
        `{"a":${'['.repeat(5000)}`,
        JSON.stringify({ constructor: { prototype: { x: 1 } } }),
        '\ufeff{}',
        '{"device_code":null}',
      ];
      const paths = new Set<string>();
      for (const e of Object.values(ENDPOINTS)) {
        paths.add(`${e.method} ${e.path.replace(':id', acmeKeyId).replace(':email', 'admin@acme.test')}`);
        paths.add(`${e.method} ${e.path.replace(':id', '..%2F..%2Fetc').replace(':email', "x'%20OR%201=1")}`);
      }
      paths.add('GET /device?user_code=<script>');
      paths.add('POST /device');
      const auths: (string | undefined)[] = [
        undefined,
        'Bearer',
        `Bearer ${s.adminKey}`,
        'Bearer nep_\u00ff',
        `Bearer ${'a'.repeat(8000)}`,
      ];
      const failures: string[] = [];
      for (const route of paths) {
        const [method, path] = route.split(' ') as [string, string];
        for (const body of bodies) {
          for (const authorization of auths) {
            const headers: Record<string, string> = {
              'content-type':
                route.includes('/device') && method === 'POST' && !route.includes('oauth')
                  ? 'application/x-www-form-urlencoded'
                  : 'application/json',
            };
            if (authorization) headers.authorization = authorization;
            const res = await s
              .call(method, path, {
                body: method === 'GET' || method === 'DELETE' ? undefined : body,
                headers,
              })
              .catch((e: Error) => ({ status: 0, text: e.message }));
            if (res.status >= 500 || res.status === 0)
              failures.push(`${route} ${body.slice(0, 30)} -> ${res.status} ${res.text.slice(0, 100)}`);
          }
        }
      }
      expect(failures).toEqual([]);
    }, 120_000);

    it('random JSON bodies on every endpoint never get a 500 (fast-check, fixed seed)', async () => {
      const names = Object.keys(ENDPOINTS) as EndpointName[];
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...names), fc.jsonValue(), async (name, value) => {
          const e = ENDPOINTS[name];
          const path = e.path.replace(':id', acmeKeyId).replace(':email', 'nobody@acme.test');
          const res = await s.call(e.method, path, {
            key: s.adminKey,
            json: e.method === 'GET' || e.method === 'DELETE' ? undefined : value,
          });
          return res.status < 500;
        }),
        { numRuns: 150, seed: 20260301 },
      );
    }, 60_000);
  });

  describe('operations', () => {
    it('serves health, readiness, metrics and the OpenAPI 3.1 document of every endpoint', async () => {
      expect((await s.call('GET', '/healthz')).body).toEqual({ status: 'ok' });
      expect((await s.call('GET', '/readyz')).body).toEqual({ status: 'ok' });
      const metrics = await s.call('GET', '/metrics');
      expect(metrics.text).toContain('neptune_http_requests_total{');
      expect(metrics.text).toContain('neptune_http_request_duration_seconds_bucket');
      expect(metrics.text).toMatch(/^neptune_agent_polls_parked 0$/m);
      expect(metrics.text).toMatch(/^neptune_heap_bytes\{kind="used"\} [1-9]\d*$/m);
      const doc = (await s.call('GET', '/v1/openapi.json')).body;
      expect(doc.openapi).toBe('3.1.0');
      for (const [name, e] of Object.entries(ENDPOINTS)) {
        const op = doc.paths[e.path.replace(/:([A-Za-z]+)/g, '{$1}')][e.method.toLowerCase()];
        expect(op.operationId).toBe(name);
        expect(op.responses[String(e.status)]).toBeDefined();
      }
    });

    it('answers with no-store caching and a request id', async () => {
      const res = await s.call('GET', '/v1/whoami', { key: s.adminKey });
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['x-request-id']).toMatch(/^req_/);
    });
  });
});

describe('throttling (SQLite)', () => {
  it('per-account rate limit: 429 with Retry-After, and the next window is open again', async () => {
    const s = await startTestServer({ limits: { accountPerMinute: 5 } });
    try {
      const other = await s.addAccount('other', 'admin@other.test');
      s.clock.now = new Date('2026-03-01T12:00:10.000Z');
      for (let i = 0; i < 5; i++)
        expect((await s.call('GET', '/v1/whoami', { key: s.adminKey })).status).toBe(200);
      const limited = await s.call('GET', '/v1/whoami', { key: s.adminKey });
      expectError(limited, 429, 'RATE_LIMITED');
      expect(limited.headers['retry-after']).toBe('50');
      // The limit is per account: another account is not affected.
      expect((await s.call('GET', '/v1/whoami', { key: other })).status).toBe(200);
      s.clock.now = new Date('2026-03-01T12:01:00.000Z');
      expect((await s.call('GET', '/v1/whoami', { key: s.adminKey })).status).toBe(200);
    } finally {
      await s.close();
    }
  });

  it('brute force: after N failed secrets from an address, even a right key is refused until the window ends', async () => {
    const s = await startTestServer({ limits: { failuresPerWindow: 3 } });
    try {
      for (let i = 0; i < 3; i++) {
        expect((await s.call('GET', '/v1/whoami', { key: `nep_${String(i).repeat(43)}` })).status).toBe(401);
      }
      const blocked = await s.call('GET', '/v1/whoami', { key: s.adminKey });
      expectError(blocked, 429, 'AUTH_TOO_MANY_FAILURES');
      expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
      // Guessing invitation tokens and user codes counts the same way.
      expect(
        (await s.call('POST', '/v1/invitations/accept', { json: { token: `nepi_${'B'.repeat(43)}` } }))
          .status,
      ).toBe(429);
      expect(
        (
          await s.call('POST', '/v1/oauth/device/approve', {
            key: s.adminKey,
            json: { userCode: 'BCDF-GHJK' },
          })
        ).status,
      ).toBe(429);
      s.clock.now = new Date(s.clock.now.getTime() + 15 * 60_000);
      expect((await s.call('GET', '/v1/whoami', { key: s.adminKey })).status).toBe(200);
    } finally {
      await s.close();
    }
  });

  it('device codes per address are limited', async () => {
    const s = await startTestServer({ limits: { deviceCodesPerWindow: 2 } });
    try {
      const ask = () => s.call('POST', '/v1/oauth/device/code', { json: { client_id: 'neptune-cli' } });
      expect((await ask()).status).toBe(200);
      expect((await ask()).status).toBe(200);
      const third = await ask();
      expectError(third, 429, 'DEVICE_TOO_MANY_REQUESTS');
      expect(third.headers['retry-after']).toBeDefined();
    } finally {
      await s.close();
    }
  });
});

describe('device authorization grant (RFC 8628)', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(async () => {
    await s?.close();
  });
  const grant = 'urn:ietf:params:oauth:grant-type:device_code';
  const poll = (deviceCode: string) =>
    s.call('POST', '/v1/oauth/token', {
      json: { grant_type: grant, device_code: deviceCode, client_id: 'neptune-cli' },
    });
  const later = (seconds: number) => {
    s.clock.now = new Date(s.clock.now.getTime() + seconds * 1000);
  };

  it('pending, slow_down, approve, token once; the key is a login key of the approving user', async () => {
    const code = await s.call('POST', '/v1/oauth/device/code', {
      json: { client_id: 'neptune-cli', client_name: 'laptop' },
    });
    expect(code.status).toBe(200);
    expect(code.body).toMatchObject({
      expires_in: 600,
      interval: 5,
      user_code: expect.stringMatching(/^[B-Z]{4}-[B-Z]{4}$/),
    });
    expect(code.body.verification_uri_complete).toBe(
      `${code.body.verification_uri}?user_code=${code.body.user_code}`,
    );
    expectError(await poll(code.body.device_code), 400, 'DEVICE_AUTHORIZATION_PENDING');
    expectError(await poll(code.body.device_code), 400, 'DEVICE_SLOW_DOWN');
    later(11);
    expectError(await poll(code.body.device_code), 400, 'DEVICE_AUTHORIZATION_PENDING');
    const approve = await s.call('POST', '/v1/oauth/device/approve', {
      key: s.adminKey,
      json: { userCode: code.body.user_code.toLowerCase() },
    });
    expect(approve.body).toEqual({ decision: 'approve', clientName: 'laptop' });
    later(11);
    const token = await poll(code.body.device_code);
    expect(token.status).toBe(200);
    expect(token.body).toMatchObject({
      token_type: 'Bearer',
      scope: 'admin',
      access_token: expect.stringMatching(/^nep_/),
    });
    const me = await s.call('GET', '/v1/whoami', { key: token.body.access_token });
    expect(me.body.key).toMatchObject({ origin: 'login', name: 'login: laptop' });
    later(11);
    expectError(await poll(code.body.device_code), 400, 'DEVICE_INVALID_GRANT');
    // logout revokes a login key
    expect((await s.call('DELETE', '/v1/session', { key: token.body.access_token })).body).toEqual({
      revoked: true,
    });
    expect((await s.call('GET', '/v1/whoami', { key: token.body.access_token })).status).toBe(401);
    // but not a key made on purpose
    expect((await s.call('DELETE', '/v1/session', { key: s.adminKey })).body).toEqual({ revoked: false });
  });

  it('denied is access_denied; expired is expired_token; an unknown code is invalid_grant', async () => {
    const code = await s.call('POST', '/v1/oauth/device/code', { json: { client_id: 'neptune-cli' } });
    await s.call('POST', '/v1/oauth/device/approve', {
      key: s.adminKey,
      json: { userCode: code.body.user_code, decision: 'deny' },
    });
    later(6);
    expectError(await poll(code.body.device_code), 400, 'DEVICE_ACCESS_DENIED');
    const old = await s.call('POST', '/v1/oauth/device/code', { json: { client_id: 'neptune-cli' } });
    later(601);
    expectError(await poll(old.body.device_code), 400, 'DEVICE_EXPIRED_TOKEN');
    expectError(
      await s.call('POST', '/v1/oauth/device/approve', {
        key: s.adminKey,
        json: { userCode: old.body.user_code },
      }),
      404,
      'DEVICE_UNKNOWN_CODE',
    );
    expectError(await poll('nonsense'), 400, 'DEVICE_INVALID_GRANT');
    expectError(
      await s.call('POST', '/v1/oauth/device/code', { json: { client_id: 'other' } }),
      400,
      'API_INVALID_REQUEST',
    );
  });

  it('the verification page approves with the user’s key, escapes what it echoes, and forbids framing', async () => {
    const code = await s.call('POST', '/v1/oauth/device/code', { json: { client_id: 'neptune-cli' } });
    const page = await s.call('GET', `/device?user_code=${encodeURIComponent('<script>x</script>')}`);
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('<script>x');
    expect(page.text).toContain('&lt;script&gt;');
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    const form = (fields: Record<string, string>) =>
      s.call('POST', '/device', {
        body: new URLSearchParams(fields).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
    const wrong = await form({ user_code: code.body.user_code, api_key: 'nep_wrong', decision: 'approve' });
    expect(wrong.status).toBe(401);
    expect(wrong.text).toContain('not valid');
    const ok = await form({ user_code: code.body.user_code, api_key: s.adminKey, decision: 'approve' });
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('Approved');
    later(6);
    expect((await poll(code.body.device_code)).status).toBe(200);
  });
});

describe('TLS', () => {
  it('refuses TLS 1.1 and below; speaks TLS 1.2 and 1.3', async () => {
    const s = await startTestServer();
    const tls = await import('node:tls');
    const { port } = new URL(s.url);
    const hello = (maxVersion: 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3') =>
      new Promise<string>((resolve) => {
        const socket = tls.connect(
          {
            host: '127.0.0.1',
            port: Number(port),
            ca: s.ca,
            maxVersion,
            minVersion: 'TLSv1',
            // The client would offer TLS 1.1 if the server took it: only the server's minimum can refuse it.
            ciphers: 'DEFAULT:@SECLEVEL=0',
          },
          () => {
            resolve(socket.getProtocol() ?? '');
            socket.end();
          },
        );
        socket.on('error', (e) => resolve(`error: ${(e as NodeJS.ErrnoException).code ?? e.message}`));
      });
    try {
      expect(await hello('TLSv1.1')).toMatch(/^error/);
      expect(await hello('TLSv1.2')).toBe('TLSv1.2');
      expect(await hello('TLSv1.3')).toBe('TLSv1.3');
    } finally {
      await s.close();
    }
  });
});
