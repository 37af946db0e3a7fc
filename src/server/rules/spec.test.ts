import { describe, expect, it } from 'vitest';
import type { NormalAlert } from '../ingest/normalise';
import { importOriginal, isOriginalExport } from './import';
import { capsOf, compileMatcher, type RuleSpec, renderParams, ruleProblems, targetsOf } from './spec';

const alert: NormalAlert = {
  source: 'alertmanager',
  name: 'ServiceDown',
  severity: 'critical',
  status: 'firing',
  host: 'host-a',
  labels: { service: 'nginx', job: 'node' },
  fingerprint: 'f'.repeat(32),
};

const rule = (over: Partial<RuleSpec> = {}): RuleSpec => ({
  name: 'restart',
  match: { source: ['alertmanager'], name: 'Service*', labels: { job: 'node' } },
  targets: { alertHost: true },
  runbook: { name: 'restart-service', version: 1 },
  params: { service: '{{ labels.service }}' },
  ...over,
});

describe('rules', () => {
  it('match by source, name glob, labels and field regex; resolved alerts only when asked', () => {
    expect(compileMatcher(rule())(alert)).toBe(true);
    expect(compileMatcher(rule({ match: { name: 'Disk*' } }))(alert)).toBe(false);
    expect(compileMatcher(rule({ match: { source: ['nagios'] } }))(alert)).toBe(false);
    expect(compileMatcher(rule({ match: { labels: { job: 'db' } } }))(alert)).toBe(false);
    expect(
      compileMatcher(rule({ match: { fields: [{ path: 'labels.service', regex: '^ng' }] } }))(alert),
    ).toBe(true);
    expect(compileMatcher(rule({ match: { fields: [{ path: 'host', regex: '^web' }] } }))(alert)).toBe(false);
    expect(compileMatcher(rule())({ ...alert, status: 'resolved' })).toBe(false);
    expect(compileMatcher(rule({ match: { status: 'any' } }))({ ...alert, status: 'resolved' })).toBe(true);
  });

  it('render params from alert fields; targets per host or tag set', () => {
    expect(renderParams(rule(), alert)).toEqual({ service: 'nginx' });
    expect(renderParams(rule({ params: { service: '{{ labels.missing }}x' } }), alert)).toEqual({
      service: 'x',
    });
    expect(targetsOf(rule(), alert)).toEqual([{ key: 'host:host-a', host: 'host-a' }]);
    expect(targetsOf(rule(), { ...alert, host: null })).toEqual([]);
    expect(targetsOf(rule({ targets: { hosts: ['b', 'a', 'b'] } }), alert).map((t) => t.key)).toEqual([
      'host:b',
      'host:a',
    ]);
    // Tag targets are the enrolled hosts the caller found for the tags, each its own cap key.
    expect(targetsOf(rule({ targets: { tags: ['web', 'eu'] } }), alert)).toEqual([]);
    expect(
      targetsOf(rule({ targets: { tags: ['web'] } }), alert, ['web-1', 'web-2']).map((t) => t.key),
    ).toEqual(['host:web-1', 'host:web-2']);
  });

  it('validation names what is wrong', () => {
    expect(ruleProblems(rule())).toEqual([]);
    expect(ruleProblems({ ...rule(), extra: 1 }).join()).toMatch(/additional/);
    expect(ruleProblems(rule({ targets: { alertHost: true, hosts: ['x'] } })).join()).toMatch(/exactly one/);
    expect(ruleProblems(rule({ match: { fields: [{ path: 'labels.a', regex: '(' }] } })).join()).toMatch(
      /not a valid regular/,
    );
    expect(ruleProblems(rule({ params: { service: '{{ nope }}' } })).join()).toMatch(/unknown field/);
    expect(ruleProblems(rule({ caps: { per: '30 minutes' } })).join()).toMatch(/caps\/per/);
  });

  it('caps default to the original service: 3 per 30 minutes', () => {
    expect(capsOf(rule())).toEqual({ max: 3, perSeconds: 1800, cooldownSeconds: 0, breakerAfter: 3 });
    expect(capsOf(rule({ caps: { max: 1, per: '1h', cooldown: '5m' } }))).toMatchObject({
      max: 1,
      perSeconds: 3600,
      cooldownSeconds: 300,
    });
  });

  it("imports the original service's rule templates where they map", () => {
    const exported = [
      {
        RuleName: 'High CPU restart',
        CapLimit: 3,
        CapDuration: 30,
        CompositeTrigger: {
          CompositeTriggerType: 'EXISTING_ALARM',
          TriggerSource: 'AWS_CLOUDWATCH',
          Triggers: [
            {
              TriggerType: 'EXISTING_ALARM',
              TriggerSource: 'AWS_CLOUDWATCH',
              Data: { AlarmName: 'HighCPU-web-1', AwsRegion: 'eu-west-1' },
            },
          ],
        },
        ActionGroup: {
          Actions: [
            {
              ActionType: 'EXECUTE_SCRIPT',
              ActionTargetType: 'SPECIFIC_TAGS',
              Active: true,
              Data: {
                Tags: ['web'],
                ExecutionType: 'PARALLEL',
                RuleRunbook: { RunbookName: 'runbooks/host/restart_app.sh', Timeout: 2 },
              },
            },
            { ActionType: 'GRAPH_SNAPSHOT', ActionTargetType: 'TRIGGER_HOST', Data: {} },
          ],
        },
      },
      {
        RuleName: 'hourly',
        CapLimit: 3,
        CapDuration: 30,
        CompositeTrigger: { CompositeTriggerType: 'CRON' },
        ActionGroup: { Actions: [] },
      },
    ];
    expect(isOriginalExport(exported)).toBe(true);
    expect(isOriginalExport({ rules: [] })).toBe(false);
    const { rules, warnings } = importOriginal(exported);
    expect(rules).toEqual([
      {
        name: 'High-CPU-restart',
        match: { source: ['cloudwatch'], name: 'HighCPU-web-1' },
        targets: { tags: ['web'] },
        runbook: { name: 'restart_app' },
        execution: { mode: 'parallel' },
        caps: { max: 3, per: '30m' },
      },
    ]);
    for (const r of rules) expect(ruleProblems(r)).toEqual([]);
    expect(warnings.join('\n')).toMatch(/GRAPH_SNAPSHOT has no counterpart/);
    expect(warnings.join('\n')).toMatch(/hourly: CRON triggers have no counterpart/);
  });
});
