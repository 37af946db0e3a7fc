import { describe, expect, it } from 'vitest';
import type { ActionAssignment } from '../api/agent-protocol';
import { paramEnvName, prepareAssignment, rejectReasonOf, type TrustCheck } from './assignment';

const script = '#!/bin/sh\nsystemctl restart "$NP_SERVICE"\n';
const uuid = '6f1c2a7e-8d2b-4c1e-9f3a-2b8c1d0e4f5a';
const now = new Date('2026-12-01T10:00:00Z');
const message = (change: Partial<ActionAssignment> = {}): ActionAssignment => ({
  actionId: 'act-1',
  runbook: {
    runbookId: uuid,
    name: 'restart-service',
    version: '1.4.0',
    script,
    signature: '{"format":"x"}',
  },
  params: { service: 'nginx' },
  timeoutSeconds: 120,
  killGraceSeconds: 10,
  runAs: null,
  outputCapBytes: 64 * 1024 * 1024,
  notAfter: '2026-12-01T10:05:00Z',
  actionToken: 'npa_x',
  ...change,
});
/** A trust check that accepts and fills a signed default. */
const trusted: TrustCheck = async (a) => ({ ok: true, params: { ...a.params, dry_run: 'no' } });

describe('prepareAssignment', () => {
  it('turns a valid, trusted, current assignment into what the runner executes', async () => {
    expect(
      await prepareAssignment(message(), { checkTrust: trusted, now, maxOutputCapBytes: 16 * 1024 * 1024 }),
    ).toEqual({
      ok: true,
      assignment: {
        actionId: 'act-1',
        script,
        env: { NP_SERVICE: 'nginx', NP_DRY_RUN: 'no' },
        timeoutMs: 120_000,
        killGraceMs: 10_000,
        outputCapBytes: 16 * 1024 * 1024,
        runAs: null,
        runbook: { id: uuid, version: '1.4.0', name: 'restart-service' },
      },
    });
  });

  it('maps the trust check refusals to ack reasons, and a failing check to signature_rejected', async () => {
    const refuse =
      (code: string): TrustCheck =>
      async () => ({ ok: false, code, reason: `refused: ${code}` });
    expect(await prepareAssignment(message(), { checkTrust: refuse('script_changed'), now })).toEqual({
      ok: false,
      rejectReason: 'signature_rejected',
      message: 'script_changed: refused: script_changed',
    });
    expect(
      await prepareAssignment(message(), { checkTrust: refuse('run_as_not_allowed'), now }),
    ).toMatchObject({
      rejectReason: 'run_as_refused',
    });
    const broken: TrustCheck = async () => {
      throw new Error('trust file unreadable');
    };
    expect(await prepareAssignment(message(), { checkTrust: broken, now })).toMatchObject({
      rejectReason: 'signature_rejected',
      message: 'bad_signature: the trust check failed: trust file unreadable',
    });
    expect(
      ['unsigned', 'unknown_key', 'expired', 'param_out_of_schema', 'host_out_of_scope', 'cap_exceeded'].map(
        rejectReasonOf,
      ),
    ).toEqual([
      'signature_rejected',
      'signature_rejected',
      'signature_rejected',
      'bad_parameters',
      'bad_parameters',
      'cap_exceeded',
    ]);
  });

  it('refuses a stale delivery before asking the trust check', async () => {
    let asked = false;
    const result = await prepareAssignment(message(), {
      checkTrust: async () => {
        asked = true;
        return { ok: true, params: {} };
      },
      now: new Date('2026-12-01T10:05:00Z'),
    });
    expect(result).toMatchObject({ ok: false, rejectReason: 'expired' });
    expect(asked).toBe(false);
  });

  it('refuses what does not match the contract, and two params on one variable', async () => {
    const result = await prepareAssignment(
      { ...message(), params: { 'bad-name': 'x' } },
      { checkTrust: trusted, now },
    );
    expect(result).toMatchObject({ ok: false, rejectReason: 'bad_parameters' });
    expect(result.ok === false && result.message).toContain('does not match the protocol');
    expect(await prepareAssignment('nonsense', { checkTrust: trusted, now })).toMatchObject({ ok: false });
    expect(
      await prepareAssignment(message({ params: { host: 'a', HOST: 'b' } }), {
        checkTrust: async (a) => ({ ok: true, params: a.params }),
        now,
      }),
    ).toMatchObject({
      ok: false,
      rejectReason: 'bad_parameters',
      message: 'two parameters arrive as NP_HOST',
    });
  });

  it('names variables like the runbook linter does', () => {
    expect(paramEnvName('host')).toBe('NP_HOST');
    expect(paramEnvName('trigger_host')).toBe('NP_TRIGGER_HOST');
    expect(paramEnvName('NP_METRIC_SOURCES')).toBe('NP_METRIC_SOURCES');
  });
});
