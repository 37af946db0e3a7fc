/**
 * Remediation through dispatch, in process over real TLS, on SQLite and (with NEPTUNE_TEST_DATABASE_URL)
 * PostgreSQL: the server's own sink (no test sink), agents enrolled and talking the real agent protocol
 * (src/agent/transport.ts, the agent's key signing finish records). Decided runs become actions with the
 * alert's params; failures reported by the agent open the rule's breaker; a rolling run gives the next host its
 * action only after the previous one succeeded, and stops on a failure; a rule that targets tags acts on the
 * enrolled hosts with the tag and caps each host on its own; maintenance by tag reads the enrolled hosts' tags,
 * for the alert's host and for each target host; a host that is not enrolled is audited, not silently dropped.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentKey } from '../agent/identity';
import { AgentTransport, enrollAgent } from '../agent/transport';
import type { AssignMessage, FinishRecord, PollResponse } from '../api/agent-protocol';
import type { Action } from '../api/dispatch';
import type { AuditRow } from '../audit/row';
import {
  alertmanagerAlert as alert,
  remediationFixture as fixture,
  POSTGRES_SKIP_REASON,
  startTestServer,
  type TestServer,
  testEngines,
} from './testing';

if (!process.env.NEPTUNE_TEST_DATABASE_URL) console.log(POSTGRES_SKIP_REASON);

const RULES = [
  {
    name: 'flaky',
    match: { source: ['alertmanager'], name: 'ServiceDown' },
    targets: { alertHost: true },
    runbook: { name: 'restart-service' },
    params: { service: '{{ labels.service }}' },
    caps: { max: 100, per: '1h', breakerAfter: 2 },
  },
  {
    name: 'roll',
    match: { source: ['alertmanager'], name: 'FleetDegraded' },
    targets: { tags: ['web'] },
    runbook: { name: 'restart-service' },
    params: { service: '{{ labels.service }}' },
    execution: { mode: 'rolling', batchSize: 1 },
    caps: { max: 100, per: '1h', breakerAfter: 100 },
  },
  {
    name: 'fleet',
    match: { source: ['alertmanager'], name: 'FleetCapped' },
    targets: { tags: ['web'] },
    runbook: { name: 'restart-service' },
    params: { service: '{{ labels.service }}' },
    caps: { max: 1, per: '1h', breakerAfter: 100 },
  },
];

interface TestAgent {
  name: string;
  transport: AgentTransport;
  key: AgentKey;
}

describe.each(testEngines())('remediation through dispatch (%s)', (engine) => {
  let srv: TestServer;
  let ingestKey: string;
  const agents: Record<string, TestAgent> = {};
  const work = mkdtempSync(path.join(os.tmpdir(), 'neptune-remed-dispatch-'));
  let enrollToken: string;
  const enroll = async (name: string) => {
    const caFile = path.join(work, 'ca.pem');
    writeFileSync(caFile, srv.ca);
    const key = await AgentKey.create(path.join(work, `${name}.key`));
    const options = { apiUrl: srv.url, caFile, version: 'test', pollHoldSeconds: 1 };
    const enrolled = await enrollAgent(options, {
      token: enrollToken,
      publicKey: key.publicJwk(),
      host: { hostname: name, os: 'linux', arch: 'x64', ips: [], cloud: null, agentVersion: 'test' },
      tags: [name],
      allowUnsigned: true,
    });
    agents[name] = {
      name,
      key,
      transport: new AgentTransport({ ...options, agentId: enrolled.agentId, key }),
    };
  };

  const send = async (fingerprint: string, labels: Record<string, string>) => {
    const res = await srv.call('POST', '/v1/alerts/alertmanager', {
      key: ingestKey,
      body: alert(fingerprint, labels),
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status, res.text).toBe(201);
    return res.body.alerts[0];
  };
  const poll = async (agent: TestAgent): Promise<AssignMessage[]> => {
    const res = await agent.transport.poll({ cursor: 0, capacity: 4, running: [], draining: false });
    return (res as PollResponse).messages.filter((m): m is AssignMessage => m.type === 'assign');
  };
  const finish = async (agent: TestAgent, actionId: string, status: 'succeeded' | 'failed') => {
    const record: FinishRecord = {
      actionId,
      status,
      exitCode: status === 'succeeded' ? 0 : 1,
      signal: null,
      reason: null,
      rejectReason: null,
      startedAt: new Date().toISOString(),
      finishedAt: new Date().toISOString(),
      outputBytes: 0,
      keptBytes: 0,
      outputSha256: null,
      truncated: false,
      chunks: 0,
      droppedChunks: 0,
    };
    await agent.transport.call('ack', { id: actionId, json: { decision: 'accept' } });
    await agent.transport.call('finish', {
      id: actionId,
      json: { record, agentSignature: agent.key.signFinish(record) },
    });
  };
  const actions = async () =>
    (await srv.call<{ actions: Action[] }>('GET', '/v1/actions', { key: srv.adminKey })).body.actions;
  const auditRows = async () =>
    (await srv.call<{ rows: AuditRow[] }>('GET', '/v1/audit?limit=10000', { key: srv.adminKey })).body.rows;
  const rule = async (name: string) =>
    (
      await srv.call<{
        rules: { name: string; consecutiveFailures: number; breakerOpenAt: string | null }[];
      }>('GET', '/v1/rules', { key: srv.adminKey })
    ).body.rules.find((r) => r.name === name);

  beforeAll(async () => {
    srv = await startTestServer({ engine, now: () => new Date(), env: { NEPTUNE_AGENT_POLL_HOLD: '1' } });
    ingestKey = (
      await srv.call('POST', '/v1/apikeys', { key: srv.adminKey, json: { name: 'am', scopes: ['ingest'] } })
    ).body.secret;
    const push = await srv.call('POST', '/v1/runbooks', {
      key: srv.adminKey,
      json: { filename: 'restart-service.sh', script: fixture('restart-service.sh') },
    });
    expect(push.status, push.text).toBe(201);
    const applied = await srv.call('POST', '/v1/rules/apply', { key: srv.adminKey, json: { rules: RULES } });
    expect(applied.status, applied.text).toBe(200);
    const token = await srv.call('POST', '/v1/hosts/tokens', {
      key: srv.adminKey,
      json: { uses: 3, tags: ['web'] },
    });
    expect(token.status, token.text).toBe(201);
    enrollToken = token.body.token;
    for (const name of ['web-1', 'web-2']) await enroll(name);
  }, 120_000);
  afterAll(async () => {
    for (const a of Object.values(agents)) await a.transport.close();
    await srv?.close();
  });

  it('a decided run becomes an action for the alert host with the alert param; a host not enrolled is audited', async () => {
    const ghost = await send('ghost-1', { instance: 'ghost:9100' });
    expect(ghost.decisions[0]).toMatchObject({ status: 'decided', target: 'host:ghost', actionId: null });
    const failed = (await auditRows()).find((r) => r.action === 'rule.dispatch_failed');
    expect(failed).toMatchObject({ actor: 'rule:flaky', details: { code: 'host_not_enrolled' } });
    expect(failed?.details.decisions).toEqual([ghost.decisions[0].id]);

    const a = await send('flaky-1', { instance: 'web-1:9100', service: 'nginx' });
    const decision = a.decisions[0];
    expect(decision).toMatchObject({ status: 'decided', target: 'host:web-1' });
    expect(decision.actionId).toEqual(expect.any(String));
    const [assigned] = await poll(agents['web-1']!);
    expect(assigned?.action).toMatchObject({
      actionId: decision.actionId,
      params: { service: 'nginx' },
      timeoutSeconds: 120,
      runAs: null,
      runbook: { name: 'restart-service', script: fixture('restart-service.sh'), signature: null },
    });
    expect(await poll(agents['web-2']!)).toEqual([]);
    await finish(agents['web-1']!, decision.actionId, 'succeeded');
    expect(await rule('flaky')).toMatchObject({ consecutiveFailures: 0, breakerOpenAt: null });
  }, 60_000);

  it('two failures reported by the agent open the breaker (breakerAfter 2): the next alert is skipped', async () => {
    for (const n of [1, 2]) {
      const a = await send(`flaky-fail-${n}`, { instance: 'web-2:9100' });
      const [assigned] = await poll(agents['web-2']!);
      expect(assigned?.action.actionId).toBe(a.decisions[0].actionId);
      await finish(agents['web-2']!, a.decisions[0].actionId, 'failed');
      expect((await rule('flaky'))?.consecutiveFailures).toBe(n);
    }
    expect((await rule('flaky'))?.breakerOpenAt).toEqual(expect.any(String));
    const opened = (await auditRows()).find((r) => r.action === 'rule.breaker_opened');
    expect(opened).toMatchObject({ target: 'rule:flaky', details: { failures: 2 } });
    const after = await send('flaky-after', { instance: 'web-2:9100' });
    expect(after.decisions[0]).toMatchObject({ status: 'skipped', reason: 'breaker_open', actionId: null });
    // `rules enable` closes it again.
    expect((await srv.call('POST', '/v1/rules/flaky/enable', { key: srv.adminKey })).status).toBe(200);
    expect(await rule('flaky')).toMatchObject({ consecutiveFailures: 0, breakerOpenAt: null });
  }, 60_000);

  it('rolling, batch size 1: the second host gets its action only after the first succeeded; a failure stops the rest', async () => {
    const a = await send('roll-1', { alertname: 'FleetDegraded', instance: 'lb:9100' });
    expect(a.decisions.map((d: { target: string; status: string }) => [d.target, d.status])).toEqual([
      ['host:web-1', 'decided'],
      ['host:web-2', 'decided'],
    ]);
    const mine = (await actions()).filter((x) => x.createdBy === 'rule:roll');
    expect(mine.map((x) => [x.host, x.status]).sort()).toEqual([
      ['web-1', 'queued'],
      ['web-2', 'queued'],
    ]);
    expect(await poll(agents['web-2']!)).toEqual([]); // held until web-1 succeeded
    const [first] = await poll(agents['web-1']!);
    expect(first?.action.actionId).toBe(a.decisions[0].actionId);
    await finish(agents['web-1']!, first!.action.actionId, 'succeeded');
    const [second] = await poll(agents['web-2']!);
    expect(second?.action.params).toEqual({ service: 'nginx' });
    await finish(agents['web-2']!, second!.action.actionId, 'succeeded');

    const b = await send('roll-2', { alertname: 'FleetDegraded', instance: 'lb:9100' });
    const [again] = await poll(agents['web-1']!);
    expect(again?.action.actionId).toBe(b.decisions[0].actionId);
    expect(b.decisions[1].target).toBe('host:web-2');
    await finish(agents['web-1']!, again!.action.actionId, 'failed');
    expect(await poll(agents['web-2']!)).toEqual([]);
    const stopped = (await actions()).find(
      (x) => x.createdBy === 'rule:roll' && x.host === 'web-2' && x.status === 'cancelled',
    );
    expect(stopped?.reason).toMatch(/^rollout stopped: .* ended failed$/);
    expect((await auditRows()).some((r) => r.action === 'rollout.stopped')).toBe(true);
  }, 60_000);

  it("maintenance by tag uses the enrolled hosts' tags", async () => {
    const on = await srv.call('POST', '/v1/maintenance', {
      key: srv.adminKey,
      json: { forSeconds: 600, tags: ['web-2'] },
    });
    expect(on.status, on.text).toBe(201);
    const covered = await send('maint-2', { instance: 'web-2:9100' });
    expect(covered.maintenance).toBe(true);
    expect(covered.decisions[0]).toMatchObject({ status: 'skipped', reason: 'maintenance' });
    const other = await send('maint-1', { instance: 'web-1:9100' });
    expect(other.maintenance).toBe(false);
    expect(other.decisions[0]).toMatchObject({ status: 'decided' });
  }, 60_000);

  it('a rule that targets a tag caps each enrolled host on its own; a target host in maintenance is skipped', async () => {
    // web-2 is still in maintenance (the test above): of the tag's hosts only web-1 runs.
    const first = await send('fleet-1', { alertname: 'FleetCapped', instance: 'lb:9100', service: 'nginx' });
    expect(first.maintenance).toBe(false);
    expect(
      first.decisions.map((d: { target: string; reason: string | null }) => [d.target, d.reason]),
    ).toEqual([
      ['host:web-1', null],
      ['host:web-2', 'maintenance'],
    ]);
    const ids = async (name: string) => (await poll(agents[name]!)).map((m) => m.action.actionId);
    expect(await ids('web-1')).toContain(first.decisions[0].actionId); // with the maintenance test's own action
    expect(await ids('web-2')).toEqual([]);
    expect((await srv.call('DELETE', '/v1/maintenance', { key: srv.adminKey })).status).toBe(200);

    // max 1 per hour per host: web-1 used its run; web-2 has not, nor has web-3, enrolled with the tag just now.
    await enroll('web-3');
    const second = await send('fleet-2', { alertname: 'FleetCapped', instance: 'lb:9100', service: 'nginx' });
    expect(
      second.decisions.map((d: { target: string; status: string; reason: string | null }) => [
        d.target,
        d.status,
        d.reason,
      ]),
    ).toEqual([
      ['host:web-1', 'skipped', 'cap_exceeded'],
      ['host:web-2', 'decided', null],
      ['host:web-3', 'decided', null],
    ]);
    expect(await ids('web-2')).toEqual([second.decisions[1].actionId]);
    expect(await ids('web-3')).toEqual([second.decisions[2].actionId]);
    const third = await send('fleet-3', { alertname: 'FleetCapped', instance: 'lb:9100', service: 'nginx' });
    expect(third.decisions.map((d: { reason: string | null }) => d.reason)).toEqual([
      'cap_exceeded',
      'cap_exceeded',
      'cap_exceeded',
    ]);
  }, 60_000);
});
