/**
 * The signed caps enforced by the agent from its own ledger (decision 0804): a real ledger on disk, a real
 * signing key and trust file, the daemon's trust check. The server's caps play no part here, which is the point:
 * a server that has them switched off still gets `cap_exceeded` from the host.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ActionAssignment } from '../api/agent-protocol';
import { durationSeconds } from '../runbook/manifest';
import { generateSigningKey, parsePrivateKey } from '../runbook/signing/keys';
import { buildStatement, signStatement } from '../runbook/signing/statement';
import { DEFAULTS } from './config';
import { trustCheckFor } from './daemon';
import { Ledger } from './ledger';

const root = mkdtempSync(path.join(os.tmpdir(), 'neptune-caps-'));
chmodSync(root, 0o700);
afterAll(() => rmSync(root, { recursive: true, force: true }));

const SCRIPT = '#!/bin/sh\necho "$NP_SERVICE"\n';
const user = os.userInfo().username;

function signed(caps: Record<string, string | number>) {
  const { privatePem, jwks } = generateSigningKey();
  const trustFile = path.join(root, `trust-${Math.random().toString(36).slice(2)}.jwks`);
  writeFileSync(trustFile, JSON.stringify(jwks), { mode: 0o644 });
  const statement = buildStatement({
    script: Buffer.from(SCRIPT),
    manifest: {
      name: 'fix-service',
      description: 'Restart a service.',
      mode: 'remediate',
      timeout: '1m',
      run_as: user,
      hosts: ['host-a'],
      params: { service: { pattern: '[a-z]{1,32}', required: true } },
      caps,
    },
    version: '1',
    issuedAt: new Date(Date.now() - 60_000),
    notBefore: new Date(Date.now() - 60_000),
    expiresAt: new Date(Date.now() + 86_400_000),
    seconds: durationSeconds,
  });
  const signature = JSON.stringify(signStatement(statement, parsePrivateKey(privatePem, 'test')));
  return { trustFile, signature };
}

const assignment = (actionId: string, signature: string): ActionAssignment => ({
  actionId,
  runbook: {
    runbookId: '00000000-0000-4000-8000-000000000000',
    name: 'fix-service',
    version: '1',
    script: SCRIPT,
    signature,
  },
  params: { service: 'nginx' },
  timeoutSeconds: 60,
  killGraceSeconds: 1,
  runAs: user,
  outputCapBytes: 4096,
  notAfter: new Date(Date.now() + 3_600_000).toISOString(),
  actionToken: 'token',
});

/** The daemon's trust check on host-a with this ledger (root may run as itself only when listed, as on a host). */
const checkOn = (ledger: Ledger, trustFile: string) =>
  trustCheckFor(
    { agentId: 'a', accountId: 'acct', apiUrl: 'https://x', hostname: 'host-a', enrolledAt: '' },
    { ...DEFAULTS, trustFile, allowRunAs: user === 'root' ? ['root'] : [] },
    'host-a',
    (name) => ledger.history(name),
  );

/** What the ledger records for an action of the signed runbook. */
const runbook = { id: 'r', version: '1', name: 'fix-service' };

describe('signed caps from the agent ledger', () => {
  it('the runs the ledger holds count: max 2 per hour lets two through and refuses the third', async () => {
    const { trustFile, signature } = signed({ max: 2, per: '1h' });
    const ledger = await Ledger.open(path.join(root, 'ledger-max'));
    const check = checkOn(ledger, trustFile);
    for (const id of ['act-1', 'act-2']) {
      expect(await check(assignment(id, signature))).toMatchObject({ ok: true });
      await ledger.claim(id, runbook);
    }
    // Another runbook's runs do not count.
    await ledger.claim('other-1', { ...runbook, name: 'other' });
    expect(await check(assignment('act-3', signature))).toMatchObject({
      ok: false,
      code: 'cap_exceeded',
      reason: expect.stringContaining('2 runs in the last 3600 s; the statement allows 2'),
    });
    expect((await ledger.history('fix-service')).length).toBe(2);
    expect((await ledger.history('other')).length).toBe(1);
  });

  it('a rejected entry is not a run; a cooldown counts from the last start', async () => {
    const { trustFile, signature } = signed({ cooldown: '10m' });
    const ledger = await Ledger.open(path.join(root, 'ledger-cooldown'));
    const check = checkOn(ledger, trustFile);
    await ledger.claim('rej-1', runbook);
    await ledger.markFinished('rej-1', {
      status: 'rejected',
      exitCode: null,
      signal: null,
      reason: 'run_as refused',
      finishedAt: new Date(),
    });
    expect(await check(assignment('c-1', signature))).toMatchObject({ ok: true });
    await ledger.claim('c-1', runbook);
    await ledger.markRunning('c-1', { pid: 1, startedAt: new Date() });
    expect(await check(assignment('c-2', signature))).toMatchObject({ ok: false, code: 'cap_exceeded' });
  });
});
