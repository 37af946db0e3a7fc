/**
 * `neptune sla claim` through the real CLI (bin/neptune, or the executable with NEPTUNE_BIN): the human summary
 * against golden files, the --json contract, every input flag, the .eml parsed back, redaction of the attached
 * logs, and the bad-input corpus with its exit codes.
 */
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli';

const FIX = path.resolve(import.meta.dirname, 'fixtures/sla');
const E2E = path.join(FIX, 'e2e');
const IMP = path.join(FIX, 'importers');
const f = (name: string) => path.join(E2E, name);
const imp = (name: string) => path.join(IMP, name);
const NOW = ['--now', '2024-04-10T00:00:00Z'];
const MAIN = ['sla', 'claim', '--incidents', f('incidents.csv'), '--inventory', f('inventory.yaml'), ...NOW];
/** The same, with paths relative to the fixtures (golden files must not hold this checkout's path). */
const REL = ['sla', 'claim', '--incidents', 'incidents.csv', '--inventory', 'inventory.yaml', ...NOW];

function tmp(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'neptune-sla-'));
}

function noStack(stderr: string) {
  expect(stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
}

describe('sla claim: the human summary', () => {
  it('several environments, exclusions, a shared one, a month boundary (golden)', async () => {
    const r = await runCli([...REL, '--exclusions', 'exclusions.csv'], { cwd: E2E });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    await expect(r.stdout).toMatchFileSnapshot('fixtures/sla/golden/summary-inventory.txt');
  });

  it('without an inventory: an UptimeRobot export, --tz, --environment and --charges (golden)', async () => {
    const r = await runCli(
      [
        'sla',
        'claim',
        '--incidents',
        'uptimerobot.csv',
        '--from',
        'uptimerobot',
        '--tz',
        'Europe/Berlin',
        '--environment',
        'prod',
        '--account',
        'acme',
        '--charges',
        '1450.00',
        '--one-time-charges',
        '250.00',
        ...NOW,
      ],
      { cwd: IMP },
    );
    expect(r.code).toBe(0);
    await expect(r.stdout).toMatchFileSnapshot('fixtures/sla/golden/summary-uptimerobot.txt');
  });

  it('a policy file and --threshold (golden)', async () => {
    const r = await runCli([
      ...MAIN,
      '--policy',
      f('policy.yaml'),
      '--threshold',
      '99.95',
      '--month',
      '2024-03',
    ]);
    expect(r.code).toBe(0);
    await expect(r.stdout).toMatchFileSnapshot('fixtures/sla/golden/summary-policy.txt');
  });
});

describe('sla claim --json', () => {
  it('is exactly the contract shape, with the hand-checked figures', async () => {
    const r = await runCli([...MAIN, '--exclusions', f('exclusions.csv'), '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(Object.keys(doc)).toEqual(['account', 'policy', 'claims', 'totalCredit']);
    expect(doc.account).toBe('acme');
    expect(doc.policy.name).toBe('dedicated-environment-sla');
    for (const c of doc.claims) {
      expect(Object.keys(c)).toEqual([
        'environment',
        'period',
        'totalMinutes',
        'unavailableMinutes',
        'excludedMinutes',
        'uptimePercent',
        'creditPercent',
        'creditAmount',
        'currency',
        'eligible',
        'reasons',
        'deadline',
        'incidents',
      ]);
      expect(Object.keys(c.period)).toEqual(['start', 'end']);
      for (const i of c.incidents) expect(Object.keys(i)).toEqual(['start', 'end', 'minutes', 'components']);
    }
    // prod, March: apps both down 10:30–11:40 (70) minus announced maintenance 11:20–11:30 (10) = 60; db1
    // 00:00–00:20:30 → 21 clock minutes (maintenance announced late is not excluded); 23:50–24:00 → 10. 91 of
    // 44,640: 99.796147…% → 99.7961; below 99.9, not below 99.0 → 10% of (1450.00 − 250.00) = 120.00.
    const prod = doc.claims.find((c: { environment: string }) => c.environment === 'prod');
    expect(prod).toMatchObject({
      period: { start: '2024-03-01T00:00:00Z', end: '2024-04-01T00:00:00Z' },
      totalMinutes: 44640,
      unavailableMinutes: 91,
      excludedMinutes: 10,
      uptimePercent: '99.7961',
      creditPercent: 10,
      creditAmount: '120.00',
      currency: 'USD',
      eligible: true,
      deadline: '2024-05-31T23:59:59Z',
    });
    expect(
      doc.claims.map((c: { environment: string; period: { start: string } }) => [
        c.environment,
        c.period.start,
      ]),
    ).toEqual([
      ['prod', '2024-03-01T00:00:00Z'],
      ['prod', '2024-04-01T00:00:00Z'],
      ['eu', '2024-03-01T00:00:00Z'],
      ['staging', '2024-03-01T00:00:00Z'],
    ]);
    expect(doc.totalCredit).toBe('120.00');
  });

  it('several vendor exports at once, detected, with maintenance from Statuspage', async () => {
    const r = await runCli([
      'sla',
      'claim',
      '--incidents',
      imp('pagerduty-incidents.json'),
      imp('datadog-incidents.json'),
      '--exclusions',
      imp('statuspage-scheduled-maintenances.json'),
      '--environment',
      'prod',
      '--charges',
      '1000.00',
      '--json',
      ...NOW,
    ]);
    expect(r.code).toBe(0);
    const [claim] = JSON.parse(r.stdout).claims;
    // Without an inventory every component seen is an app (PagerDuty services carry no kind): web and db1. The
    // environment is down only while both are: 11:00–11:45 (Datadog names no component, so it is the whole
    // environment), minus the maintenance 11:00–11:30 announced on 25 February = 15 minutes; the maintenance
    // announced during the outage is not excluded. db1 alone on 2 March is no outage (web was up).
    expect(claim).toMatchObject({ unavailableMinutes: 15, excludedMinutes: 30, creditPercent: 0 });
  });

  it('--month, --billing-anchor-day and --minute-rule', async () => {
    const r = await runCli([
      ...MAIN,
      '--month',
      '2024-03',
      '--billing-anchor-day',
      '15',
      '--minute-rule',
      'floor',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    // Cycles starting on the 15th: 2024-03-15 → 2024-04-15 (31 days). Only the month-end outage falls in it: prod
    // 23:50–00:40 = 50 minutes; the deadline is the start of the third cycle after (2024-06-15) minus a second.
    const prod = doc.claims.find((c: { environment: string }) => c.environment === 'prod');
    expect(prod).toMatchObject({
      period: { start: '2024-03-15T00:00:00Z', end: '2024-04-15T00:00:00Z' },
      totalMinutes: 44640,
      unavailableMinutes: 50,
      creditPercent: 10,
      deadline: '2024-06-14T23:59:59Z',
    });
    expect(doc.claims).toHaveLength(3);
  });
});

describe('sla claim --out', () => {
  it('writes a .eml per eligible claim that parses back, with the logs redacted and attached', async () => {
    const out = tmp();
    const r = await runCli([
      ...MAIN,
      '--exclusions',
      f('exclusions.csv'),
      '--logs',
      f('app.log'),
      '--out',
      out,
      '--from',
      'Ops <ops@acme.example>',
      '--to',
      'support@vendor.example',
      '--redaction-report',
    ]);
    expect(r.code).toBe(0);
    expect(readdirSync(out).sort()).toEqual([
      'claim-prod-2024-03.app.redacted.log',
      'claim-prod-2024-03.eml',
      'claim-prod-2024-03.mailto.txt',
    ]);
    for (const name of readdirSync(out)) expect(statSync(path.join(out, name)).mode & 0o777).toBe(0o600);
    const mail = await simpleParser(readFileSync(path.join(out, 'claim-prod-2024-03.eml')));
    expect(mail.subject).toBe('SLA Credit Request – acme – prod – 2024-03');
    expect(mail.from?.value).toEqual([{ address: 'ops@acme.example', name: 'Ops' }]);
    expect(mail.text).toContain('Account handle: acme');
    expect(mail.text).toContain('2024-03-01T10:30:00Z  2024-03-01T11:20:00Z       50  web, api');
    expect(mail.text).toContain('Monthly Uptime Percentage: 99.7961%');
    expect(mail.text).toContain('= 120.00 USD.');
    expect(mail.text).toContain('maintenance 2024-03-01T11:20:00Z to 2024-03-01T11:30:00Z (');
    expect(mail.attachments).toHaveLength(1);
    const log = mail.attachments[0]!.content.toString();
    expect(log).toBe(readFileSync(path.join(out, 'claim-prod-2024-03.app.redacted.log'), 'utf8'));
    // Kept: the lines inside the windows (± 5 min) with their continuation lines, and what corroborates them.
    expect(log).toContain('request_id=4f8a2c1e-9b3d-4e5f-a6b7-c8d9e0f1a2b3 status=502');
    expect(log).toContain('  File "/srv/api/app.py", line 42, in handler');
    expect(log).toContain('2024-03-01T10:25:00Z web-1 GET /health 200 3ms');
    expect(log).toContain('password=********');
    // Gone: every secret and personal datum, and the lines outside every window.
    for (const secret of [
      'hunter2',
      's3cret',
      'jane.doe@example.com',
      'eyJhbGciOiJIUzI1NiJ9',
      '4111 1111 1111 1111',
      'AKIAIOSFODNN7EXAMPLE',
      '203.0.113.7',
      '198.51.100.23',
      'notincluded',
      '12:30:00Z',
    ]) {
      expect(log).not.toContain(secret);
    }
    // The report gives counts per rule, never values.
    expect(r.stderr).toMatch(/redaction: 13 lines read from 1 log\(s\)/);
    // In the kept lines: three addresses, one each of password, e-mail, bearer token, URL password, card, AWS key.
    for (const [rule, n] of Object.entries({
      ipv4: 3,
      'keyword-secret': 1,
      email: 1,
      authorization: 1,
      'url-password': 1,
      'card-number': 1,
      'aws-access-key-id': 1,
      'private-key': 0,
    })) {
      expect(r.stderr).toMatch(new RegExp(`\\n  ${rule} +${n}\\n`));
    }
    expect(r.stderr).not.toContain('hunter2');
    const link = readFileSync(path.join(out, 'claim-prod-2024-03.mailto.txt'), 'utf8').trim();
    expect(link.startsWith('mailto:support@vendor.example?subject=SLA%20Credit%20Request')).toBe(true);
    expect(r.stdout).toContain(`mailto: ${link}`);
  });

  it('a passed deadline is in the reasons and flagged on stderr; no .eml; exit 0', async () => {
    const out = tmp();
    const r = await runCli([
      'sla',
      'claim',
      '--incidents',
      f('incidents.csv'),
      '--inventory',
      f('inventory.yaml'),
      '--month',
      '2024-03',
      '--now',
      '2024-06-01T00:00:00Z',
      '--out',
      out,
      '--from',
      'ops@acme.example',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const prod = JSON.parse(r.stdout).claims[0];
    expect(prod).toMatchObject({ environment: 'prod', creditPercent: 10, eligible: false });
    expect(prod.reasons).toContain('claim deadline 2024-05-31T23:59:59Z has passed');
    expect(r.stderr).toContain('warning: prod 2024-03: the claim deadline 2024-05-31T23:59:59Z has passed');
    expect(readdirSync(out)).toEqual([]);
  });
});

describe('sla claim: bad input', () => {
  const dir = tmp();
  const write = (name: string, text: string) => {
    const file = path.join(dir, name);
    writeFileSync(file, text);
    return file;
  };
  const HEADER = 'environment,component,kind,start,end\n';

  it.each([
    [
      'a row with end before start',
      () => write('a.csv', `${HEADER}prod,web,app,2024-03-01T10:00:00Z,2024-03-01T09:00:00Z\n`),
      'a.csv:2: end is not after start',
    ],
    [
      'a time without offset',
      () => write('b.csv', `${HEADER}prod,web,app,2024-03-01 10:00,2024-03-01 11:00\n`),
      'b.csv:2: start: "2024-03-01 10:00" has no UTC offset',
    ],
    [
      'a broken CSV row',
      () => write('c.csv', `${HEADER}prod,web,app,"2024-03-01T10:00:00Z,2024-03-01T11:00:00Z\n`),
      'c.csv:2: not valid CSV',
    ],
    [
      'an unknown format',
      () => write('d.json', '{"hello": "world"}'),
      'd.json:1: cannot tell which format this is',
    ],
    [
      'an unknown environment',
      () => write('e.csv', `${HEADER}moon,web,app,2024-03-01T10:00:00Z,2024-03-01T11:00:00Z\n`),
      'e.csv:2: environment "moon" is not in the inventory',
    ],
  ])('%s → 65 with file and line', async (_name, make, message) => {
    const file = make();
    const r = await runCli(['sla', 'claim', '--incidents', file, '--inventory', f('inventory.yaml'), ...NOW]);
    expect(r.code).toBe(65);
    expect(r.stderr).toContain(
      `error: ${path.join(dir, message.split(':')[0]!)}:${message.split(':').slice(1).join(':')}`,
    );
    expect(r.stdout).toBe('');
    noStack(r.stderr);
  });

  it('a DST-ambiguous local time is 65 unless --ambiguous chooses', async () => {
    const file = write('dst.csv', `${HEADER}prod,web,app,2024-10-27 02:30:00,2024-10-27 03:30:00\n`);
    const args = [
      'sla',
      'claim',
      '--incidents',
      file,
      '--environment',
      'prod',
      '--charges',
      '100.00',
      '--tz',
      'Europe/Berlin',
      '--now',
      '2024-11-10T00:00:00Z',
    ];
    const bad = await runCli(args);
    expect(bad.code).toBe(65);
    expect(bad.stderr).toMatch(
      /dst\.csv:2: start: local time 2024-10-27T02:30:00 is ambiguous in Europe\/Berlin/,
    );
    expect(bad.stderr).toMatch(/hint: .*--ambiguous earlier\|later/);
    const ok = await runCli([...args, '--ambiguous', 'earlier', '--json']);
    expect(ok.code).toBe(0);
    // 02:30 CEST (+02:00, the earlier) = 00:30Z; 03:30 CET = 02:30Z: two hours.
    expect(JSON.parse(ok.stdout).claims[0].incidents[0]).toMatchObject({
      start: '2024-10-27T00:30:00Z',
      end: '2024-10-27T02:30:00Z',
      minutes: 120,
    });
  });

  it('a bad inventory or policy is 65 with the file and line; --json errors are JSON', async () => {
    const inv = write(
      'inv.yaml',
      'account: acme\nenvironments:\n  - name: prod\n    apps: [web]\n    charges: lots\n',
    );
    const r = await runCli(['sla', 'claim', '--incidents', f('incidents.csv'), '--inventory', inv, '--json']);
    expect(r.code).toBe(65);
    expect(JSON.parse(r.stdout).error).toMatchObject({
      code: 'SLA_INPUT_INVALID',
      message: `${inv}:5: environments[0].charges: must be an amount such as "1450.00"`,
    });
    const pol = write('p.yaml', 'tiers: nope\n');
    const p = await runCli([...MAIN, '--policy', pol]);
    expect(p.code).toBe(65);
    expect(p.stderr).toContain(`${pol}:1: tiers must be a non-empty list`);
  });

  it('a missing file is 66', async () => {
    const r = await runCli([
      'sla',
      'claim',
      '--incidents',
      path.join(dir, 'nope.csv'),
      '--inventory',
      f('inventory.yaml'),
    ]);
    expect(r.code).toBe(66);
    expect(r.stderr).toContain('nope.csv: no such file');
    const logs = await runCli([...MAIN, '--logs', path.join(dir, 'missing.log')]);
    expect(logs.code).toBe(66);
  });

  it.each([
    [['--month', '2024-13'], '--month "2024-13" is not YYYY-MM'],
    [['--billing-anchor-day', '32'], '--billing-anchor-day must be 1..31'],
    [['--now', 'tomorrow'], '--now:'],
    [['--threshold', '101'], '--threshold "101" is not a percentage'],
    [['--log-margin', 'soon'], '--log-margin "soon" is not a duration'],
    [['--out', '/tmp/x'], '--out writes e-mails, which need a sender'],
    [['--charges', '10.00'], '--charges and --one-time-charges are for runs without an inventory'],
    [['--from', 'nagios'], '--from "nagios" is neither an importer nor an e-mail address'],
    [['--tz', 'Mars/Olympus'], 'unknown time zone "Mars/Olympus"'],
    [['--now', '2024-04-11T00:00:00Z'], 'flag --now can only be specified once'],
  ])('usage %j → 64', async (extra, message) => {
    const base = extra[0] === '--now' && extra[1] === 'tomorrow' ? MAIN.slice(0, -2) : MAIN;
    const r = await runCli([...base, ...extra]);
    expect(r.code).toBe(64);
    expect(r.stderr).toContain(message);
    noStack(r.stderr);
  });
});
