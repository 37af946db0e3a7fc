/**
 * Remediation end to end through the real server and CLI, on SQLite and (with NEPTUNE_TEST_DATABASE_URL)
 * PostgreSQL: an Alertmanager alert for host A → rule → a decision to run the pushed runbook on A with a param
 * from the alert; the fourth alert in the cap window is skipped (cap_exceeded); an out-of-schema param is refused
 * and audited; during maintenance nothing is decided; the audit export verifies offline, and an edit made
 * directly in the database makes `audit verify` fail naming the row.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, parseTarget } from '../src/server/store/db';
import { REPO, runCli, tempHome } from './helpers/cli';
import { reportSkippedEngines, type StartedServer, startServer, testEngines } from './helpers/server';

reportSkippedEngines();

const FIXTURES = path.join(REPO, 'test/fixtures/remediation');
const RULES = `rules:
  - name: restart-on-down
    match:
      source: [alertmanager]
      name: Service*
      labels: { severity: critical }
    targets: { alertHost: true }
    runbook: { name: restart-service }
    params:
      service: "{{ labels.service }}"
    execution: { mode: rolling, batchSize: 1 }
    caps: { max: 3, per: 30m }
`;

describe.each(testEngines())('remediation on %s, through the CLI', (engine) => {
  let server: StartedServer;
  const home = tempHome();
  const work = mkdtempSync(path.join(os.tmpdir(), 'neptune-remed-'));
  let ingestKey = '';
  const cli = (args: string[], env: Record<string, string | undefined> = {}) => runCli(args, { home, env });
  const asIngest = (args: string[]) => cli(args, { NEPTUNE_TOKEN: ingestKey });
  const alertFile = (name: string, fingerprint: string, labels: Record<string, string> = {}) => {
    const doc = JSON.parse(readFileSync(path.join(FIXTURES, 'alertmanager.json'), 'utf8'));
    doc.alerts[0].fingerprint = fingerprint;
    Object.assign(doc.alerts[0].labels, labels);
    const file = path.join(work, name);
    writeFileSync(file, JSON.stringify(doc));
    return file;
  };
  const send = async (file: string) => {
    const res = await asIngest([
      'alerts',
      'send',
      '--source',
      'alertmanager',
      '--data',
      `@${file}`,
      '--json',
    ]);
    expect(res.code, res.stderr).toBe(0);
    return JSON.parse(res.stdout).alerts[0];
  };

  beforeAll(async () => {
    server = await startServer({ engine });
    const login = await runCli(
      ['login', '--api-url', server.url, '--ca-file', server.caFile, '--with-token'],
      {
        home,
        input: `${server.apiKey}\n`,
      },
    );
    expect(login.code, login.stderr).toBe(0);
    const key = await cli(['apikeys', 'create', '--name', 'alertmanager', '--scope', 'ingest', '--json']);
    ingestKey = JSON.parse(key.stdout).secret;
  }, 180_000);
  afterAll(async () => server?.dispose());

  it('push, apply, alerts → decisions with the param; the fourth within the cap window is cap_exceeded', async () => {
    const push = await cli(['runbook', 'push', path.join(FIXTURES, 'restart-service.sh'), '--json']);
    expect(push.code, push.stderr).toBe(0);
    expect(JSON.parse(push.stdout).runbooks[0]).toMatchObject({ name: 'restart-service', version: 1 });
    const broken = await cli(['runbook', 'push', path.join(FIXTURES, 'broken.sh')]);
    expect(broken.code).toBe(64);
    expect(broken.stderr).toMatch(/SEC002/);

    const rulesFile = path.join(work, 'rules.yaml');
    writeFileSync(rulesFile, RULES);
    const dry = await cli(['rules', 'apply', '-f', rulesFile, '--dry-run']);
    expect(dry.stdout).toContain('would create restart-on-down (restart-service@1)');
    const listed = await cli(['rules', 'list', '--json']);
    expect(JSON.parse(listed.stdout).rules).toEqual([]);
    const applied = await cli(['rules', 'apply', '-f', rulesFile]);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toContain('create restart-on-down');

    const decisions = [];
    for (let i = 1; i <= 4; i++)
      decisions.push((await send(alertFile(`a${i}.json`, `e2e-${i}`))).decisions[0]);
    expect(decisions.slice(0, 3)).toEqual(
      Array(3).fill(
        expect.objectContaining({
          status: 'decided',
          target: 'host:host-a',
          runbook: 'restart-service',
          version: 1,
          params: { service: 'nginx' },
          execution: { mode: 'rolling', batchSize: 1 },
        }),
      ),
    );
    expect(decisions[3]).toMatchObject({ status: 'skipped', reason: 'cap_exceeded', params: {} });
  }, 300_000);

  it('an out-of-schema param from an alert is refused and audited', async () => {
    const alert = await send(
      alertFile('inject.json', 'e2e-inject', { service: '; rm -rf /', instance: 'host-c:9100' }),
    );
    expect(alert.decisions[0]).toMatchObject({ status: 'refused', reason: 'param_out_of_schema' });
    const audit = await cli(['audit', 'list', '--since', '1h', '--json']);
    const refused = JSON.parse(audit.stdout).rows.find(
      (r: { action: string }) => r.action === 'rule.refused',
    );
    expect(refused).toMatchObject({ actor: 'rule:restart-on-down', target: 'host:host-c' });
    expect(refused.details.params).toEqual({ service: '; rm -rf /' });
  }, 120_000);

  it('during maintenance alerts are stored and marked, nothing is decided', async () => {
    const on = await cli(['maintenance', 'on', '--for', '30m']);
    expect(on.code, on.stderr).toBe(0);
    const alert = await send(alertFile('m.json', 'e2e-maint', { instance: 'host-d:9100' }));
    expect(alert.maintenance).toBe(true);
    expect(alert.decisions).toEqual([expect.objectContaining({ status: 'skipped', reason: 'maintenance' })]);
    expect((await cli(['maintenance', 'off'])).code).toBe(0);
    const list = JSON.parse((await cli(['alerts', 'list', '--json'])).stdout).alerts;
    expect(list.find((a: { id: string }) => a.id === alert.id)).toMatchObject({
      maintenance: true,
      host: 'host-d',
    });
  }, 120_000);

  it('the audit export verifies offline; an edit made in the database is named by audit verify', async () => {
    const out = path.join(work, 'audit.jsonl');
    const jwks = path.join(work, 'audit.jwks');
    const exp = await cli(['audit', 'export', '--out', out, '--pubkey-out', jwks]);
    expect(exp.code, exp.stderr).toBe(0);
    const ok = await cli(['audit', 'verify', out, '--pubkey', jwks]);
    expect(ok.code, ok.stderr + ok.stdout).toBe(0);
    expect(ok.stdout).toMatch(/checkpoint signature\(s\) verified/);
    const lines = readFileSync(out, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    const actions = lines.map((l) => l.action);
    for (const a of [
      'apikey.create',
      'runbook.pushed',
      'rule.created',
      'alert.received',
      'rule.decided',
      'rule.skipped',
      'rule.refused',
      'maintenance.on',
      'maintenance.off',
    ])
      expect(actions, a).toContain(a);
    const decided = lines.find((l) => l.action === 'rule.decided');

    const db = await openDatabase(parseTarget(server.databaseUrl, server.dataDir));
    try {
      await sql`UPDATE audit_rows SET details = ${JSON.stringify({ ...decided.details, params: { service: 'sshd' } })} WHERE account_id = ${decided.account} AND seq = ${decided.seq}`.execute(
        db.db,
      );
    } finally {
      await db.close();
    }
    const again = await cli(['audit', 'export', '--out', out]);
    expect(again.code).toBe(0);
    const bad = await cli(['audit', 'verify', out, '--pubkey', jwks]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(`row ${decided.account}#${decided.seq}`);
    expect(bad.stderr).toMatch(/was edited/);
  }, 300_000);
});
