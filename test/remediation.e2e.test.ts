/**
 * Remediation end to end through the real server, the real CLI and a real agent, on SQLite and (with
 * NEPTUNE_TEST_DATABASE_URL) PostgreSQL. A host `host-a` is enrolled and runs `neptune agent start` trusting the
 * owner's key (`runbook keygen`); the runbook is signed (`runbook sign`) and pushed (`runbook push`, linted under
 * the account's profile), the rule applied (`rules apply`). Then: three Alertmanager alerts for host A run the
 * signed runbook on A (a real process) with the alert's param, which the process writes to a file; the fourth
 * within the cap window is skipped (cap_exceeded). Attacks, each refused and audited: the rule's caps switched off
 * in the database (the agent still refuses beyond the signed cap), a replayed action id (the agent's ledger), and
 * a compromised control plane sending a forged signature, an unknown key, an altered script, an out-of-schema
 * param, a runbook for another host and an expired statement; an out-of-schema param from an alert is refused by
 * the server. During maintenance nothing runs. The audit export verifies offline, and an edit made directly in the
 * database makes `audit verify` fail naming the row.
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditRow } from '../src/audit/row';
import { openDatabase, parseTarget } from '../src/server/store/db';
import { type RunningAgent, startAgent, until } from './helpers/agent';
import { REPO, runCli, tempHome } from './helpers/cli';
import { reportSkippedEngines, type StartedServer, startServer, testEngines } from './helpers/server';

reportSkippedEngines();

type Database = Awaited<ReturnType<typeof openDatabase>>['db'];

const FIXTURES = path.join(REPO, 'test/fixtures/remediation');
const T = 120_000;
const USER = os.userInfo().username;
const RULES = `rules:
  - name: restart-on-down
    match:
      source: [alertmanager]
      name: Service*
      labels: { severity: critical }
    targets: { alertHost: true }
    runbook: { name: fix-service }
    params:
      service: "{{ labels.service }}"
    execution: { mode: rolling, batchSize: 1 }
    caps: { max: 3, per: 30m }
`;

/** The runbook: it writes the param it was given to a file (standing in for a restart). Signed caps: 3 per hour. */
const runbookText = (log: string, hosts = '[host-a]') => `#!/bin/sh
# neptune:
#   name: fix-service
#   description: Record the service named by the alert (stands in for a restart).
#   mode: remediate
#   timeout: 1m
#   run_as: ${USER}
#   hosts: ${hosts}
#   caps: { max: 3, per: 1h }
#   params:
#     service:
#       description: The unit to restart.
#       pattern: '^[a-z][a-z0-9-]{0,31}$'
#       required: true
set -eu
printf '%s\n' "$NP_SERVICE" >> '${log}'
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

  // The runbook's log, the signing key and the agent's trust file live in a private directory (the trust file is
  // refused when group or others can write it or its directory).
  const ranLog = path.join(work, 'ran.log');
  const ran = () => readFileSync(ranLog, 'utf8').split('\n').filter(Boolean);
  let agent: RunningAgent | undefined;
  // biome-ignore lint/suspicious/noExplicitAny: the CLI's JSON output, whose shape the assertions check
  const json = async <J = any>(args: string[]) => {
    const r = await cli([...args, '--json']);
    expect([0, 1], `${args.join(' ')}: ${r.stderr}`).toContain(r.code);
    return JSON.parse(r.stdout) as J;
  };
  const action = (id: string) => json(['actions', 'show', id]);
  const settled = (id: string) =>
    until(`action ${id} settles`, async () => {
      const a = await action(id);
      return a.finishedAt && !['queued', 'assigned', 'running'].includes(a.status) ? a : undefined;
    });
  const audit = async () =>
    (await json<{ rows: AuditRow[] }>(['audit', 'list', '--since', '1h', '--limit', '10000'])).rows;
  /** What an attacker with the database can do: statements run directly against the server's database. */
  const withDatabase = async (fn: (db: Database) => Promise<void>) => {
    const db = await openDatabase(parseTarget(server.databaseUrl, server.dataDir));
    try {
      await fn(db.db);
    } finally {
      await db.close();
    }
  };

  beforeAll(async () => {
    chmodSync(work, 0o700);
    writeFileSync(ranLog, '');
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
    const keygen = await cli(['runbook', 'keygen', '--out', path.join(work, 'owner.key')]);
    expect(keygen.code, keygen.stderr).toBe(0);
    const token = await json<{ token: string }>(['hosts', 'token', 'create', '--uses', '1']);
    const stateDir = path.join(work, 'host-a');
    const enrolled = await cli(
      [
        'agent',
        'enroll',
        '--state-dir',
        stateDir,
        '--hostname',
        'host-a',
        '--api-url',
        server.url,
        '--ca-file',
        server.caFile,
      ],
      { NEPTUNE_AGENT_ENROLL_TOKEN: token.token, NEPTUNE_AGENT_IMDS: 'off' },
    );
    expect(enrolled.code, enrolled.stderr).toBe(0);
    agent = startAgent({
      name: 'host-a',
      home,
      stateDir,
      work,
      args: ['--trust-file', path.join(work, 'owner.key.jwks')],
      // The runbook runs as the user of this test; root only when the agent's config lists it (as on a host).
      env: { NEPTUNE_AGENT_ALLOW_RUN_AS: USER },
    });
    await until('host-a online', async () => {
      const hosts = (await json(['hosts', 'list'])).hosts as { status: string }[];
      return hosts[0]?.status === 'online' ? true : undefined;
    });
  }, 180_000);
  afterAll(async () => {
    agent?.child.kill('SIGKILL');
    await server?.dispose();
  });

  let firstAction = '';

  it("signed push, apply, alerts: the signed runbook runs on host A with the alert's param; the fourth is cap_exceeded", async () => {
    const broken = await cli(['runbook', 'push', path.join(FIXTURES, 'broken.sh')]);
    expect(broken.code).toBe(64);
    expect(broken.stderr).toMatch(/SEC002/);
    // The account's lint profile: safety by default; production here (the runbook below passes it too).
    expect((await cli(['settings', 'show'])).stdout).toMatch(/^lint-profile\s+safety\s+\(server default\)/m);
    const strict = await cli(['settings', 'set', '--lint-profile', 'production']);
    expect(strict.code, strict.stderr).toBe(0);
    expect(await json(['settings', 'show'])).toEqual({
      lintProfile: 'production',
      sources: { lintProfile: 'account' },
    });
    const unguarded = await cli(['runbook', 'push', path.join(FIXTURES, 'unguarded-rm.sh')]);
    expect(unguarded.code).toBe(64);
    expect(unguarded.stderr).toMatch(/under the production profile.*SAF001/);
    const file = path.join(work, 'fix-service.sh');
    writeFileSync(file, runbookText(ranLog));
    const signed = await cli([
      'runbook',
      'sign',
      file,
      '--key',
      path.join(work, 'owner.key'),
      '--version',
      '1',
    ]);
    expect(signed.code, signed.stderr).toBe(0);
    const push = await cli(['runbook', 'push', file, '--json']);
    expect(push.code, push.stderr).toBe(0);
    expect(JSON.parse(push.stdout).runbooks[0]).toMatchObject({ name: 'fix-service', version: 1 });

    const rulesFile = path.join(work, 'rules.yaml');
    writeFileSync(rulesFile, RULES);
    const dry = await cli(['rules', 'apply', '-f', rulesFile, '--dry-run']);
    expect(dry.stdout).toContain('would create restart-on-down (fix-service@1)');
    const listed = await cli(['rules', 'list', '--json']);
    expect(JSON.parse(listed.stdout).rules).toEqual([]);
    const applied = await cli(['rules', 'apply', '-f', rulesFile]);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toContain('create restart-on-down');

    const services = ['nginx', 'redis', 'cron'];
    const decisions = [];
    for (const [i, service] of services.entries())
      decisions.push((await send(alertFile(`a${i}.json`, `e2e-${i}`, { service }))).decisions[0]);
    expect(decisions).toEqual(
      services.map((service) =>
        expect.objectContaining({
          status: 'decided',
          target: 'host:host-a',
          runbook: 'fix-service',
          version: 1,
          params: { service },
          execution: { mode: 'rolling', batchSize: 1 },
          actionId: expect.any(String),
        }),
      ),
    );
    for (const d of decisions) expect((await settled(d.actionId)).status).toBe('succeeded');
    // The param reached the process: each run wrote the service it was given.
    expect(ran().sort()).toEqual([...services].sort());
    firstAction = decisions[0].actionId;

    const fourth = (await send(alertFile('a4.json', 'e2e-4'))).decisions[0];
    expect(fourth).toMatchObject({ status: 'skipped', reason: 'cap_exceeded', params: {}, actionId: null });
  }, 300_000);

  it(
    "attack: the rule's caps switched off in the database; the agent still refuses beyond the signed cap, audited",
    async () => {
      await withDatabase(async (db) => {
        const rows = await sql<{
          spec: string;
        }>`SELECT spec FROM rules WHERE name = 'restart-on-down'`.execute(db);
        const spec = JSON.parse(rows.rows[0]!.spec);
        spec.caps = { max: 100000, per: '1s' };
        await sql`UPDATE rules SET spec = ${JSON.stringify(spec)}, updated_at = ${new Date().toISOString()} WHERE name = 'restart-on-down'`.execute(
          db,
        );
      });
      const decision = (await send(alertFile('a5.json', 'e2e-5'))).decisions[0];
      expect(decision).toMatchObject({ status: 'decided', actionId: expect.any(String) });
      const refused = await settled(decision.actionId);
      expect(refused.status).toBe('rejected');
      expect(refused.reason).toMatch(
        /^cap_exceeded: cap_exceeded: 3 runs in the last 3600 s; the statement allows 3/,
      );
      expect(ran()).toHaveLength(3);
      const row = (await audit()).find(
        (r) => r.action === 'action.rejected' && r.target === decision.actionId,
      );
      expect(row).toMatchObject({
        actor: expect.stringMatching(/^agent:/),
        details: { reason: 'cap_exceeded' },
      });
    },
    T,
  );

  it(
    "attack: a replayed action id is answered from the agent's ledger, never run again, and audited",
    async () => {
      // A control plane that puts a finished action back in the queue: the agent gets the same id again.
      await withDatabase(async (db) => {
        await sql`UPDATE actions SET status = 'queued', finish = NULL, finished_at = NULL, lease_expires_at = NULL WHERE id = ${firstAction}`.execute(
          db,
        );
      });
      const row = await until('the duplicate is audited', async () =>
        (await audit()).find((r) => r.action === 'action.duplicate_refused' && r.target === firstAction),
      );
      expect(row.details.known).toEqual({ state: 'finished', status: 'succeeded' });
      const replayed = await settled(firstAction);
      expect(replayed).toMatchObject({ status: 'rejected', reason: expect.stringMatching(/^duplicate/) });
      expect(ran()).toHaveLength(3);
    },
    T,
  );

  it('attack: a compromised control plane sends forged, altered, out-of-scope and expired work; each is refused by the agent and audited', async () => {
    const attacker = path.join(work, 'attacker.key');
    expect((await cli(['runbook', 'keygen', '--out', attacker])).code).toBe(0);
    // `neptune run` names the runbook by its file name: each attack is a directory with fix-service and its .sig.
    const attack = async (
      name: string,
      { script = runbookText(ranLog), key = path.join(work, 'owner.key'), signArgs = [] as string[] } = {},
      tamper?: (dir: string) => void,
    ) => {
      const dir = path.join(work, `attack-${name}`);
      mkdirSync(dir);
      const file = path.join(dir, 'fix-service');
      writeFileSync(file, script);
      const signedNow = await cli(['runbook', 'sign', file, '--key', key, '--version', '1', ...signArgs]);
      expect(signedNow.code, signedNow.stderr).toBe(0);
      tamper?.(dir);
      return file;
    };
    const cases: [string, string, string[]][] = [
      [
        'forged',
        await attack('forged', {}, (dir) => {
          const sig = JSON.parse(readFileSync(path.join(dir, 'fix-service.sig'), 'utf8'));
          sig.statement.caps = { max: 1000 };
          writeFileSync(path.join(dir, 'fix-service.sig'), JSON.stringify(sig));
        }),
        ['bad_signature'],
      ],
      ['unknown key', await attack('unknown-key', { key: attacker }), ['unknown_key']],
      [
        'altered script',
        await attack('altered', {}, (dir) => {
          writeFileSync(path.join(dir, 'fix-service'), `${runbookText(ranLog)}rm -rf /tmp/neptune-nothing\n`);
        }),
        ['script_changed'],
      ],
      [
        'out-of-schema param',
        await attack('param'),
        ['param_out_of_schema', '--param', 'service=; rm -rf /'],
      ],
      [
        'another host',
        await attack('host', { script: runbookText(ranLog, '[host-b]') }),
        ['host_out_of_scope'],
      ],
      [
        'expired',
        await attack('expired', { signArgs: ['--not-before', '2020-01-01T00:00:00Z', '--expires-in', '1d'] }),
        ['expired'],
      ],
    ];
    const rows = [];
    for (const [what, file, [code, ...extra]] of cases) {
      const params = extra.length > 0 ? extra : ['--param', 'service=nginx'];
      const r = await cli([
        'run',
        file,
        '--host',
        'host-a',
        ...params,
        '--timeout',
        '30s',
        '--wait',
        '--json',
      ]);
      expect(r.code, `${what}: ${r.stderr}`).toBe(1);
      const [result] = JSON.parse(r.stdout).actions;
      expect(result.status, what).toBe('rejected');
      expect(result.reason, what).toContain(`${code}: `);
      rows.push({ id: result.actionId, code: code! });
    }
    expect(ran()).toHaveLength(3);
    const audited = await audit();
    for (const { id, code } of rows)
      expect(
        audited.find((r) => r.action === 'action.rejected' && r.target === id)?.details.message,
        code,
      ).toMatch(new RegExp(`^${code}: `));
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

  it('during maintenance alerts are stored and marked, nothing is decided and nothing runs', async () => {
    const on = await cli(['maintenance', 'on', '--for', '30m']);
    expect(on.code, on.stderr).toBe(0);
    const alert = await send(alertFile('m.json', 'e2e-maint', { service: 'maint' }));
    expect(alert.maintenance).toBe(true);
    expect(alert.decisions).toEqual([expect.objectContaining({ status: 'skipped', reason: 'maintenance' })]);
    expect((await cli(['maintenance', 'off'])).code).toBe(0);
    const list = JSON.parse((await cli(['alerts', 'list', '--json'])).stdout).alerts;
    expect(list.find((a: { id: string }) => a.id === alert.id)).toMatchObject({
      maintenance: true,
      host: 'host-a',
    });
    expect(ran()).not.toContain('maint');
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
      'hosts.enroll',
      'run.create',
      'action.finish',
      'action.rejected',
      'action.duplicate_refused',
      'settings.changed',
    ])
      expect(actions, a).toContain(a);
    const decided = lines.find((l) => l.action === 'rule.decided');

    await withDatabase(async (db) => {
      await sql`UPDATE audit_rows SET details = ${JSON.stringify({ ...decided.details, params: { service: 'sshd' } })} WHERE account_id = ${decided.account} AND seq = ${decided.seq}`.execute(
        db,
      );
    });
    const again = await cli(['audit', 'export', '--out', out]);
    expect(again.code).toBe(0);
    const bad = await cli(['audit', 'verify', out, '--pubkey', jwks]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(`row ${decided.account}#${decided.seq}`);
    expect(bad.stderr).toMatch(/was edited/);
  }, 300_000);
});
