import { createPublicKey, verify } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Value } from 'typebox/value';
import { afterAll, describe, expect, it } from 'vitest';
import {
  AgentPublicKey,
  AssertionClaims,
  AssertionHeader,
  CLIENT_ASSERTION_TYPE,
  type FinishRecord,
  TokenRequest,
} from '../api/agent-protocol';
import { canonicalize } from '../core/jcs';
import { AgentKey } from './identity';

const dir = mkdtempSync(path.join(os.tmpdir(), 'neptune-identity-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const agentId = '6f1c2a7e-8d2b-4c1e-9f3a-2b8c1d0e4f5a';

describe('AgentKey', () => {
  it('is created once, 0600, and loads back as the same key', async () => {
    const file = path.join(dir, 'agent.key');
    const key = await AgentKey.create(file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    await expect(AgentKey.create(file)).rejects.toMatchObject({ code: 'AGENT_KEY_EXISTS', exitCode: 78 });
    const loaded = await AgentKey.load(file);
    expect(loaded.publicJwk()).toEqual(key.publicJwk());
    expect(Value.Check(AgentPublicKey, key.publicJwk())).toBe(true);
  });

  it('refuses a key file others can read, and a missing one', async () => {
    const file = path.join(dir, 'loose.key');
    await AgentKey.create(file);
    chmodSync(file, 0o644);
    await expect(AgentKey.load(file)).rejects.toMatchObject({ code: 'AGENT_KEY_MODE' });
    await expect(AgentKey.load(path.join(dir, 'none.key'))).rejects.toMatchObject({
      code: 'AGENT_KEY_MISSING',
    });
  });

  it('signs client assertions the server can verify with the enrolled public key', async () => {
    const key = await AgentKey.create(path.join(dir, 'a.key'));
    const now = new Date('2026-12-01T10:00:00Z');
    const jwt = key.assertion(agentId, 'https://neptune.example.com/agent/v1/token', now);
    expect(
      Value.Check(TokenRequest, {
        grant_type: 'client_credentials',
        client_assertion_type: CLIENT_ASSERTION_TYPE,
        client_assertion: jwt,
      }),
    ).toBe(true);
    const [h, c, s] = jwt.split('.') as [string, string, string];
    const header = JSON.parse(Buffer.from(h, 'base64url').toString());
    const claims = JSON.parse(Buffer.from(c, 'base64url').toString());
    expect(Value.Check(AssertionHeader, header)).toBe(true);
    expect(Value.Check(AssertionClaims, claims)).toBe(true);
    expect(claims).toMatchObject({ iss: agentId, sub: agentId, iat: 1796119200, exp: 1796119260 });
    const pub = createPublicKey({ key: { ...key.publicJwk() }, format: 'jwk' });
    expect(verify(null, Buffer.from(`${h}.${c}`), pub, Buffer.from(s, 'base64url'))).toBe(true);
    expect(verify(null, Buffer.from(`${h}.${c}x`), pub, Buffer.from(s, 'base64url'))).toBe(false);
    // Each assertion is unique (jti).
    expect(key.assertion(agentId, 'aud', now)).not.toBe(key.assertion(agentId, 'aud', now));
  });

  it('signs finish records over their canonical form', async () => {
    const key = await AgentKey.create(path.join(dir, 'f.key'));
    const record: FinishRecord = {
      actionId: 'a1',
      status: 'succeeded',
      exitCode: 0,
      signal: null,
      reason: null,
      rejectReason: null,
      startedAt: '2026-12-01T10:00:00.000Z',
      finishedAt: '2026-12-01T10:00:01.000Z',
      outputBytes: 3,
      keptBytes: 3,
      outputSha256: 'a'.repeat(64),
      truncated: false,
      chunks: 1,
      droppedChunks: 0,
    };
    const signature = key.signFinish(record);
    const pub = createPublicKey({ key: { ...key.publicJwk() }, format: 'jwk' });
    // Field order does not matter: the signature is over the JCS form.
    const reordered = Object.fromEntries(Object.entries(record).reverse());
    expect(verify(null, Buffer.from(canonicalize(reordered)), pub, Buffer.from(signature, 'base64url'))).toBe(
      true,
    );
    expect(
      verify(
        null,
        Buffer.from(canonicalize({ ...record, exitCode: 1 })),
        pub,
        Buffer.from(signature, 'base64url'),
      ),
    ).toBe(false);
  });
});
