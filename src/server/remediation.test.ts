/**
 * The remediation API in process, over real TLS, on SQLite and (with NEPTUNE_TEST_DATABASE_URL) PostgreSQL: alerts
 * in, rule decisions with caps, cooldown, breaker and maintenance, param validation, source signatures, tenant
 * isolation, caps across two replicas, and the audit chain (with an edit made directly in the database).
 */
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REMEDIATION_ENDPOINTS } from '../api/remediation';
import { verifyExport } from '../audit/verify';
import { generateSigningKey, parsePrivateKey, trustedKeyOf } from '../runbook/signing/keys';
import { AuditService } from './audit-service';
import { build } from './build';
import type { AuditEntry } from './context';
import { signPagerDuty } from './ingest/pagerduty';
import { RecordingSink, recordResult } from './rules/engine';
import { openDatabase, parseTarget } from './store/db';
import { RemedStore } from './store/remed-store';
import { Store } from './store/store';
import {
  alertmanagerAlert as amAlert,
  remediationFixture as fixture,
  POSTGRES_SKIP_REASON,
  startTestServer,
  type TestServer,
  testEngines,
} from './testing';

if (!process.env.NEPTUNE_TEST_DATABASE_URL) console.log(POSTGRES_SKIP_REASON);

const RULE = {
  name: 'restart-on-down',
  match: { source: ['alertmanager'], name: 'ServiceDown', labels: { severity: 'critical' } },
  targets: { alertHost: true },
  runbook: { name: 'restart-service' },
  params: { service: '{{ labels.service }}' },
  caps: { max: 3, per: '30m' },
};

describe.each(testEngines())('remediation API (%s)', (engine) => {
  let srv: TestServer;
  const sink = new RecordingSink();
  const signer = parsePrivateKey(generateSigningKey().privatePem, 'test');
  let ingestKey: string;
  let readKey: string;

  const ingest = (source: string, body: string, headers: Record<string, string> = {}, key = ingestKey) =>
    srv.call('POST', `/v1/alerts/${source}`, {
      key,
      body,
      headers: { 'content-type': 'application/json', ...headers },
    });
  const tick = (minutes: number) => {
    srv.clock.now = new Date(srv.clock.now.getTime() + minutes * 60_000);
  };

  beforeAll(async () => {
    srv = await startTestServer({
      engine,
      remediation: {
        sink,
        masterKey: randomBytes(32),
        auditSigner: signer,
        checkpoints: { rows: 1000, seconds: 3600 },
      },
    });
    const mk = async (scopes: string[]) =>
      (await srv.call('POST', '/v1/apikeys', { key: srv.adminKey, json: { name: scopes.join('-'), scopes } }))
        .body.secret as string;
    ingestKey = await mk(['ingest']);
    readKey = await mk(['read']);
    const push = await srv.call('POST', '/v1/runbooks', {
      key: srv.adminKey,
      json: { filename: 'restart-service.sh', script: fixture('restart-service.sh') },
    });
    expect(push.status, push.text).toBe(201);
    expect(push.body).toMatchObject({
      name: 'restart-service',
      version: 1,
      created: true,
      lint: { errors: 0 },
    });
  }, 120_000);
  afterAll(async () => srv?.close());

  it('pushes are linted: errors refuse unless forced; the same content makes no new version', async () => {
    const broken = { filename: 'broken.sh', script: fixture('broken.sh') };
    const refused = await srv.call('POST', '/v1/runbooks', { key: srv.adminKey, json: broken });
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('RUNBOOK_LINT_ERRORS');
    expect(refused.body.error.message).toMatch(/SEC002/);
    const forced = await srv.call('POST', '/v1/runbooks', {
      key: srv.adminKey,
      json: { ...broken, force: true },
    });
    expect(forced.status).toBe(201);
    expect(forced.body.lint.forced).toBe(true);
    const again = await srv.call('POST', '/v1/runbooks', {
      key: srv.adminKey,
      json: { filename: 'restart-service.sh', script: fixture('restart-service.sh') },
    });
    expect(again.body).toMatchObject({ version: 1, created: false });
    const viaRead = await srv.call('POST', '/v1/runbooks', { key: readKey, json: broken });
    expect(viaRead.status).toBe(403);
  });

  it('rules apply: dry run changes nothing, then create, unchanged, update; invalid rules refused', async () => {
    const dry = await srv.call('POST', '/v1/rules/apply', {
      key: srv.adminKey,
      json: { rules: [RULE], dryRun: true },
    });
    expect(dry.body.changes).toEqual([{ name: RULE.name, change: 'create', runbook: 'restart-service@1' }]);
    expect((await srv.call('GET', '/v1/rules', { key: readKey })).body.rules).toEqual([]);
    const created = await srv.call('POST', '/v1/rules/apply', { key: srv.adminKey, json: { rules: [RULE] } });
    expect(created.body.changes[0].change).toBe('create');
    const same = await srv.call('POST', '/v1/rules/apply', { key: srv.adminKey, json: { rules: [RULE] } });
    expect(same.body.changes[0].change).toBe('unchanged');
    const bad = await srv.call('POST', '/v1/rules/apply', {
      key: srv.adminKey,
      json: { rules: [{ ...RULE, params: { nope: '{{ host }}' } }] },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.error.message).toMatch(/declares no param nope/);
    const missing = await srv.call('POST', '/v1/rules/apply', {
      key: srv.adminKey,
      json: { rules: [{ ...RULE, name: 'x', runbook: { name: 'never-pushed' } }] },
    });
    expect(missing.body.error.message).toMatch(/was not pushed/);
  });

  it('an alert for host A decides the runbook on A with the param; the fourth in the window is cap_exceeded', async () => {
    const statuses: string[] = [];
    for (let i = 1; i <= 4; i++) {
      const res = await ingest('alertmanager', amAlert(`cap-${i}`));
      expect(res.status, res.text).toBe(201);
      const d = res.body.alerts[0].decisions;
      expect(d).toHaveLength(1);
      statuses.push(d[0].reason ?? d[0].status);
      tick(1);
    }
    expect(statuses).toEqual(['decided', 'decided', 'decided', 'cap_exceeded']);
    expect(sink.requests).toHaveLength(3);
    expect(sink.requests[0]!.request).toMatchObject({
      rule: RULE.name,
      runbook: { name: 'restart-service', version: 1 },
      targets: { hosts: ['host-a'] },
      params: { service: 'nginx' },
      execution: { mode: 'parallel' },
    });
    // another host has its own count; after the window host A runs again
    const b = await ingest('alertmanager', amAlert('cap-b', { instance: 'host-b:9100' }));
    expect(b.body.alerts[0].decisions[0]).toMatchObject({ status: 'decided', target: 'host:host-b' });
    tick(31);
    const later = await ingest('alertmanager', amAlert('cap-5'));
    expect(later.body.alerts[0].decisions[0].status).toBe('decided');
  });

  it('duplicates by fingerprint within the window are folded and decide nothing', async () => {
    tick(60);
    const first = await ingest('alertmanager', amAlert('dup'));
    const second = await ingest('alertmanager', amAlert('dup'));
    expect(second.body.alerts[0]).toMatchObject({ id: first.body.alerts[0].id, folded: true, decisions: [] });
    const list = await srv.call('GET', '/v1/alerts', { key: readKey });
    expect(list.body.alerts.find((a: { id: string }) => a.id === first.body.alerts[0].id).count).toBe(2);
  });

  it('an out-of-schema param from an alert is refused and audited, never queued', async () => {
    tick(60);
    const before = sink.requests.length;
    const res = await ingest('alertmanager', amAlert('inject', { service: 'nginx; rm -rf /' }));
    expect(res.body.alerts[0].decisions[0]).toMatchObject({
      status: 'refused',
      reason: 'param_out_of_schema',
    });
    expect(sink.requests.length).toBe(before);
    const audit = await srv.call('GET', '/v1/audit?limit=10000', { key: readKey });
    const row = audit.body.rows.find((r: { action: string }) => r.action === 'rule.refused');
    expect(row.details).toMatchObject({
      reason: 'param_out_of_schema',
      params: { service: 'nginx; rm -rf /' },
    });
  });

  it('during maintenance alerts are stored and marked and nothing is decided; off restores', async () => {
    tick(60);
    const on = await srv.call('POST', '/v1/maintenance', {
      key: srv.adminKey,
      json: { forSeconds: 1800, hosts: ['host-a'] },
    });
    expect(on.status).toBe(201);
    const before = sink.requests.length;
    const a = await ingest('alertmanager', amAlert('maint-a'));
    expect(a.body.alerts[0]).toMatchObject({ maintenance: true });
    expect(a.body.alerts[0].decisions[0]).toMatchObject({ status: 'skipped', reason: 'maintenance' });
    const b = await ingest('alertmanager', amAlert('maint-b', { instance: 'host-b:9100' }));
    expect(b.body.alerts[0].decisions[0].status).toBe('decided');
    expect(sink.requests.length).toBe(before + 1);
    expect((await srv.call('DELETE', '/v1/maintenance', { key: srv.adminKey })).body.ended).toBe(1);
    const after = await ingest('alertmanager', amAlert('maint-after'));
    expect(after.body.alerts[0].maintenance).toBe(false);
    // a window with an end passes by itself
    await srv.call('POST', '/v1/maintenance', { key: srv.adminKey, json: { forSeconds: 600 } });
    expect((await ingest('generic', '{"name":"x","host":"h"}')).body.alerts[0].maintenance).toBe(true);
    tick(11);
    expect((await ingest('generic', '{"name":"y","host":"h"}')).body.alerts[0].maintenance).toBe(false);
  });

  it('cooldown, and the breaker: K failures disable the rule until enabled', async () => {
    tick(120);
    const cool = {
      ...RULE,
      name: 'cool',
      match: { ...RULE.match, labels: { job: 'cool' } },
      caps: { max: 10, per: '1h', cooldown: '10m', breakerAfter: 2 },
    };
    await srv.call('POST', '/v1/rules/apply', { key: srv.adminKey, json: { rules: [RULE, cool] } });
    const send = async (fp: string) =>
      (await ingest('alertmanager', amAlert(fp, { job: 'cool' }))).body.alerts[0].decisions.find(
        (d: { rule: string }) => d.rule === 'cool',
      );
    const first = await send('cool-1');
    expect(first.status).toBe('decided');
    tick(1);
    expect((await send('cool-2')).reason).toBe('cooldown');
    const remed = new RemedStore(srv.store.db);
    const auditService = new AuditService(remed, srv.store, () => srv.clock.now);
    const deps = { store: remed, audit: (e: AuditEntry) => auditService.record(e), now: () => srv.clock.now };
    expect(await recordResult(deps, (await srv.store.accountByHandle('acme'))!.id, first.id, false)).toEqual({
      failures: 1,
      breakerOpen: false,
    });
    expect(await recordResult(deps, (await srv.store.accountByHandle('acme'))!.id, first.id, false)).toEqual({
      failures: 2,
      breakerOpen: true,
    });
    tick(11);
    expect((await send('cool-3')).reason).toBe('breaker_open');
    const rules = (await srv.call('GET', '/v1/rules', { key: readKey })).body.rules;
    expect(rules.find((r: { name: string }) => r.name === 'cool').breakerOpenAt).not.toBeNull();
    expect((await srv.call('POST', '/v1/rules/cool/enable', { key: srv.adminKey })).status).toBe(200);
    expect((await send('cool-4')).status).toBe('decided');
  });

  it('sources: SNS confirmation recorded (not fetched), Basic auth for SNS, PagerDuty signatures, size limit', async () => {
    const sub = await ingest('cloudwatch', fixture('cloudwatch-subscription.json'), {
      'content-type': 'text/plain; charset=UTF-8',
    });
    expect(sub.status, sub.text).toBe(201);
    expect(sub.body.subscription).toMatchObject({
      confirmed: false,
      subscribeUrl: expect.stringMatching(/ConfirmSubscription/),
    });
    const basic = Buffer.from(`sns:${ingestKey}`).toString('base64');
    const note = await srv.call('POST', '/v1/alerts/cloudwatch', {
      body: fixture('cloudwatch-notification.json'),
      headers: { authorization: `Basic ${basic}`, 'content-type': 'text/plain; charset=UTF-8' },
    });
    expect(note.status, note.text).toBe(201);
    const pd = fixture('pagerduty.json');
    expect((await ingest('pagerduty', pd)).body.error.code).toBe('INGEST_SECRET_NOT_CONFIGURED');
    const set = await srv.call('POST', '/v1/alert-sources/pagerduty/secret', {
      key: srv.adminKey,
      json: { secret: 'whsec-test-secret' },
    });
    expect(set.status).toBe(200);
    const sealed = await srv.store.getSecret(
      (await srv.store.accountByHandle('acme'))!.id,
      'alerts.pagerduty.secret',
    );
    expect(sealed).toBeDefined();
    expect(sealed).not.toContain('whsec');
    const bad = await ingest('pagerduty', pd, { 'x-pagerduty-signature': signPagerDuty(pd, 'wrong-secret') });
    expect(bad.status).toBe(401);
    const good = await ingest('pagerduty', pd, {
      'x-pagerduty-signature': signPagerDuty(pd, 'whsec-test-secret'),
    });
    expect(good.status, good.text).toBe(201);
    for (const name of ['nagios.json', 'datadog.json', 'generic.json']) {
      const source = name.replace('.json', '');
      expect((await ingest(source, fixture(name))).status).toBe(201);
    }
    const big = JSON.stringify({
      name: 'big',
      labels: { pad: 'x'.repeat(1000) },
      pad: 'y'.repeat(1024 * 1024),
    });
    expect((await ingest('generic', big)).status).toBe(201);
    expect((await ingest('generic', 'x'.repeat(5 * 1024 * 1024 + 10))).status).toBe(413);
    expect((await ingest('generic', '{"severity":"critical"}')).body.error.code).toBe('INGEST_BAD_PAYLOAD');
    expect((await ingest('splunk', '{}')).status).toBe(404);
  });

  it('the OpenAPI document lists the remediation endpoints', async () => {
    const doc = (await srv.call('GET', '/v1/openapi.json')).body;
    for (const [name, e] of Object.entries(REMEDIATION_ENDPOINTS)) {
      const op = doc.paths[e.path.replace(/:([A-Za-z]+)/g, '{$1}')][e.method.toLowerCase()];
      expect(op.operationId).toBe(name);
    }
  });

  it('scopes and tenants: ingest keys only ingest; another account sees and triggers nothing of acme', async () => {
    expect((await srv.call('GET', '/v1/rules', { key: ingestKey })).status).toBe(403);
    expect((await ingest('generic', '{"name":"x"}', {}, readKey)).status).toBe(403);
    expect((await srv.call('POST', '/v1/alerts/generic', { body: '{"name":"x"}' })).status).toBe(401);
    const other = await srv.addAccount('globex', 'admin@globex.test');
    for (const p of ['/v1/alerts', '/v1/rules', '/v1/runbooks', '/v1/audit', '/v1/maintenance']) {
      const res = await srv.call('GET', p, { key: other });
      expect(res.status).toBe(200);
      expect(res.text).not.toMatch(/restart|host-a|acme/);
    }
    const before = sink.requests.length;
    tick(120);
    const res = await ingest('alertmanager', amAlert('globex-1'), {}, other);
    expect(res.body.alerts[0].decisions).toEqual([]);
    expect(sink.requests.length).toBe(before);
    expect((await srv.call('DELETE', '/v1/rules/restart-on-down', { key: other })).status).toBe(404);
  });

  it('caps hold across two replicas deciding at the same moment', async () => {
    tick(240);
    const opened = await openDatabase(parseTarget(srv.db.databaseUrl, srv.db.dataDir));
    const replicaSink = new RecordingSink();
    const replica = await build({
      store: new Store(opened.db),
      version: 'test',
      now: () => srv.clock.now,
      remediation: { sink: replicaSink },
    });
    try {
      const rule = {
        ...RULE,
        name: 'race',
        match: { ...RULE.match, labels: { job: 'race' } },
        caps: { max: 2, per: '1h' },
      };
      await srv.call('POST', '/v1/rules/apply', { key: srv.adminKey, json: { rules: [RULE, rule] } });
      const before = sink.requests.length;
      const sends = Array.from({ length: 8 }, (_, i) => {
        const body = amAlert(`race-${i}`, { job: 'race' });
        const headers = { authorization: `Bearer ${ingestKey}`, 'content-type': 'application/json' };
        return i % 2 === 0
          ? ingest('alertmanager', body).then((r) => r.body)
          : replica
              .inject({ method: 'POST', url: '/v1/alerts/alertmanager', headers, payload: body })
              .then((r) => r.json());
      });
      const results = await Promise.all(sends);
      const race = results
        .flatMap((r) => r.alerts[0].decisions)
        .filter((d: { rule: string }) => d.rule === 'race');
      expect(race).toHaveLength(8);
      expect(race.filter((d: { status: string }) => d.status === 'decided')).toHaveLength(2);
      expect(race.filter((d: { reason: string }) => d.reason === 'cap_exceeded')).toHaveLength(6);
      const queued = [...sink.requests.slice(before), ...replicaSink.requests].filter(
        (r) => r.request.rule === 'race',
      );
      expect(queued).toHaveLength(2);
    } finally {
      await replica.close();
      await opened.close();
    }
  });

  it('two replicas appending to one account chain in turn never fork it', async () => {
    const accountId = (await srv.store.accountByHandle('acme'))!.id;
    const opened = await openDatabase(parseTarget(srv.db.databaseUrl, srv.db.dataDir));
    try {
      const a = new AuditService(new RemedStore(srv.store.db), srv.store, () => srv.clock.now);
      const b = new AuditService(new RemedStore(opened.db), new Store(opened.db), () => srv.clock.now);
      const entry = (i: number) => ({ accountId, actor: 'test', action: 'test.append', target: `n:${i}` });
      await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? a : b).record(entry(i))));
      for (let i = 12; i < 16; i++) await (i % 2 ? a : b).record(entry(i));
      const rows = await new RemedStore(srv.store.db).auditRows(accountId);
      const seqs = rows.map((r) => r.seq);
      expect(seqs).toEqual(seqs.map((_, i) => i + 1));
      expect(rows.filter((r) => r.action === 'test.append')).toHaveLength(16);
    } finally {
      await opened.close();
    }
  });

  it('the audit chain verifies with the checkpoint key; an edit in the database is found and named', async () => {
    const exported = await srv.call('GET', '/v1/audit/export', { key: readKey });
    expect(exported.status).toBe(200);
    const jwks = (await srv.call('GET', '/v1/audit/keys', { key: readKey })).body;
    const keys = jwks.keys.map(trustedKeyOf);
    const report = verifyExport(exported.text, { keys });
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    const actions = exported.text
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l).action);
    for (const a of [
      'apikey.create',
      'runbook.pushed',
      'rule.created',
      'alert.received',
      'rule.decided',
      'rule.skipped',
      'rule.refused',
      'maintenance.on',
      'rule.breaker_opened',
    ])
      expect(actions, a).toContain(a);
    expect(report.accounts[0]!.verifiedCheckpoints).toBeGreaterThan(0);
    expect(report.accounts[0]!.uncovered).toBe(0);
    // someone with database access rewrites row 5's target
    const accountId = (await srv.store.accountByHandle('acme'))!.id;
    await sql`UPDATE audit_rows SET target = 'apikey:someone-else' WHERE account_id = ${accountId} AND seq = 5`.execute(
      srv.store.db,
    );
    const tampered = await srv.call('GET', '/v1/audit/export', { key: readKey });
    const broken = verifyExport(tampered.text, { keys });
    expect(broken.ok).toBe(false);
    expect(broken.problems[0]).toMatchObject({ kind: 'edited', id: `${accountId}#5` });
  });
});

describe.each(testEngines())('legacy path-token ingest (%s)', (engine) => {
  const servers: TestServer[] = [];
  afterAll(async () => {
    for (const s of servers) await s.close();
  });
  const start = async (ingestPathTokens: boolean, logs: string[]) => {
    const stream = new Writable({
      write(chunk, _encoding, done) {
        logs.push(String(chunk));
        done();
      },
    });
    const s = await startTestServer({
      engine,
      logger: { level: 'info', stream },
      remediation: { sink: new RecordingSink(), ingestPathTokens },
    });
    servers.push(s);
    const mk = async (scopes: string[]) =>
      (await s.call('POST', '/v1/apikeys', { key: s.adminKey, json: { name: scopes.join('-'), scopes } }))
        .body.secret as string;
    return { s, ingest: await mk(['ingest']), read: await mk(['read']) };
  };

  it('off by default: the key in the path is not accepted (404), headers still work', async () => {
    const logs: string[] = [];
    const { s, ingest } = await start(false, logs);
    const res = await s.call('POST', `/v1/alerts/alertmanager/${ingest}`, { body: amAlert('path-off') });
    expect(res.status).toBe(404);
    expect(logs.join('')).toContain('/v1/alerts/alertmanager/[redacted]');
    expect(logs.join('')).not.toContain(ingest);
    const viaHeader = await s.call('POST', '/v1/alerts/alertmanager', { key: ingest, body: amAlert('hdr') });
    expect(viaHeader.status).toBe(201);
  });

  it('when enabled: the key in the path ingests, needs the ingest scope, and never reaches the server log', async () => {
    const logs: string[] = [];
    const { s, ingest, read } = await start(true, logs);
    const ok = await s.call('POST', `/v1/alerts/alertmanager/${ingest}`, {
      body: amAlert('path-on'),
      headers: { 'content-type': 'text/plain' },
    });
    expect(ok.status, ok.text).toBe(201);
    expect(ok.body.alerts[0]).toMatchObject({ folded: false });
    const wrongScope = await s.call('POST', `/v1/alerts/alertmanager/${read}`, {
      body: amAlert('path-read'),
    });
    expect(wrongScope.status).toBe(403);
    const bogus = await s.call('POST', '/v1/alerts/alertmanager/nep_not-a-key', {
      body: amAlert('path-bad'),
    });
    expect(bogus.status).toBe(401);
    const text = logs.join('');
    expect(text).toContain('/v1/alerts/alertmanager/[redacted]');
    expect(text).not.toContain(ingest);
    expect(text).not.toContain(read);
  });
});

describe.each(testEngines())("the account's lint profile (%s)", (engine) => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startTestServer({ engine, remediation: { sink: new RecordingSink() } });
  }, 60_000);
  afterAll(async () => srv?.close());
  const push = () =>
    srv.call('POST', '/v1/runbooks', {
      key: srv.adminKey,
      json: { filename: 'unguarded-rm.sh', script: fixture('unguarded-rm.sh') },
    });

  it('default safety; an admin sets min and the push that safety refused is accepted; audited; per account', async () => {
    expect((await srv.call('GET', '/v1/settings', { key: srv.adminKey })).body).toEqual({
      lintProfile: 'safety',
      sources: { lintProfile: 'default' },
    });
    const refused = await push();
    expect(refused.status).toBe(422);
    expect(refused.body.error.message).toMatch(/under the safety profile.*SAF001/);

    const other = await srv.addAccount('globex', 'admin@globex.test');
    const viewer = (
      await srv.call('POST', '/v1/apikeys', { key: srv.adminKey, json: { name: 'r', scopes: ['read'] } })
    ).body.secret as string;
    const denied = await srv.call('PATCH', '/v1/settings', { key: viewer, json: { lintProfile: 'min' } });
    expect(denied.status).toBe(403);
    const bad = await srv.call('PATCH', '/v1/settings', { key: srv.adminKey, json: { lintProfile: 'lax' } });
    expect(bad.status).toBe(400);
    const set = await srv.call('PATCH', '/v1/settings', { key: srv.adminKey, json: { lintProfile: 'min' } });
    expect(set.status, set.text).toBe(200);
    expect(set.body).toEqual({ lintProfile: 'min', sources: { lintProfile: 'account' } });
    const accepted = await push();
    expect(accepted.status, accepted.text).toBe(201);
    expect(accepted.body.lint).toMatchObject({ profile: 'min', errors: 0 });
    // Another account keeps the default.
    expect((await srv.call('GET', '/v1/settings', { key: other })).body.lintProfile).toBe('safety');
    const rows = (await srv.call('GET', '/v1/audit', { key: srv.adminKey })).body.rows as AuditEntry[];
    expect(rows.find((r) => r.action === 'settings.changed')).toMatchObject({
      actor: 'admin@acme.test',
      target: 'setting:lint-profile',
      details: { from: 'safety', to: 'min' },
    });
  });
});
