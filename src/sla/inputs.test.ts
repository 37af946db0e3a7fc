/** The inventory, exclusions and policy files, and tying incidents to the inventory. */
import { describe, expect, it } from 'vitest';
import { isNeptuneError } from '../core/errors';
import { decimalToString } from './credit';
import type { ImportContext, ImportedIncident } from './importers/common';
import { inferInventory, parseExclusions, parseInventory, resolveIncidents } from './inputs';
import { parsePolicy, policyToJson } from './policy';
import { formatInstant } from './time';

const ctx = (file: string, over: Partial<ImportContext> = {}): ImportContext => ({
  file,
  time: {},
  ongoing: false,
  now: 0,
  ...over,
});

function failure(fn: () => unknown) {
  try {
    fn();
  } catch (error) {
    if (isNeptuneError(error)) return { message: error.message, exitCode: error.exitCode, code: error.code };
    throw error;
  }
  throw new Error('expected an error');
}

const INVENTORY = `account: acme
environments:
  - name: prod
    type: dedicated
    apps: [web, api]
    databases: [db1]
    charges: "1450.00"
    oneTimeCharges: "250.00"
    currency: USD
  - name: staging
    type: shared
    apps: [web]
    charges:
      2024-03: 99.99
      2024-04: "120"
`;

describe('inventory', () => {
  it('reads YAML; amounts from the source text, per cycle where given', () => {
    const inv = parseInventory(INVENTORY, 'inv.yaml');
    expect(inv.account).toBe('acme');
    expect(inv.environments[0]).toEqual({
      name: 'prod',
      type: 'dedicated',
      apps: ['web', 'api'],
      databases: ['db1'],
      charges: 145000n,
      oneTimeCharges: 25000n,
      currency: 'USD',
    });
    expect(inv.environments[1]!.charges).toEqual({ '2024-03': 9999n, '2024-04': 12000n });
  });

  it('reads JSON too', () => {
    const inv = parseInventory(
      '{"account":"acme","environments":[{"name":"prod","apps":["web"],"charges":"10.05"}]}',
      'inv.json',
    );
    expect(inv.environments[0]).toMatchObject({ type: 'dedicated', charges: 1005n, currency: 'USD' });
  });

  it.each([
    [
      'environments: []\naccount: acme\n',
      'inv.yaml:1: environments: expected a non-empty list of environments',
    ],
    [
      'account: acme\nenvironments:\n  - name: prod\n    apps: [web]\n',
      'inv.yaml:3: environments[0].charges: charges of the billing cycle are missing',
    ],
    [
      'account: acme\nenvironments:\n  - name: prod\n    apps: [web]\n    charges: 14.5.0\n',
      'inv.yaml:5: environments[0].charges: must be an amount such as "1450.00"',
    ],
    [
      'account: acme\nenvironments:\n  - name: prod\n    type: premium\n    apps: [web]\n    charges: "1"\n',
      'inv.yaml:4: environments[0].type: type must be dedicated or shared',
    ],
    [
      'account: acme\nenvironments:\n  - name: prod\n    apps: [web]\n    charges: "10"\n    oneTimeCharges: "20"\n',
      'inv.yaml:6: environments[0].oneTimeCharges: one-time charges are more than the charges they are part of',
    ],
    [
      'account: acme\nenvironments:\n  - {name: prod, apps: [web], charges: "1", currency: dollars}\n',
      'inv.yaml:3: environments[0].currency: currency must be an ISO 4217 code such as USD',
    ],
    ['account: [a\n', 'inv.yaml:2: not valid YAML or JSON (BAD_INDENT)'],
  ])('%#: bad inventory → exit 65 with line', (text, message) => {
    const e = failure(() => parseInventory(text, 'inv.yaml'));
    expect(e.message).toBe(message);
    expect(e.exitCode).toBe(65);
  });
});

describe('exclusions', () => {
  it('CSV with reasons and announcement times', () => {
    const text =
      'environment,start,end,reason,announced_at\n' +
      'prod,2024-03-01T10:00:00Z,2024-03-01T11:00:00Z,maintenance,2024-02-20T00:00:00Z\n' +
      ',2024-03-02T10:00:00Z,2024-03-02T11:00:00Z,Force Majeure,\n';
    const list = parseExclusions(text, ctx('ex.csv'));
    expect(
      list.map((e) => [e.environment, e.reason, e.announcedAt && formatInstant(e.announcedAt), e.source]),
    ).toEqual([
      ['prod', 'maintenance', '2024-02-20T00:00:00Z', 'ex.csv:2'],
      ['*', 'force-majeure', undefined, 'ex.csv:3'],
    ]);
  });

  it('an unknown reason names the line and the reasons', () => {
    const text = 'environment,start,end,reason\nprod,2024-03-01T10:00:00Z,2024-03-01T11:00:00Z,bad luck\n';
    expect(failure(() => parseExclusions(text, ctx('ex.csv'))).message).toBe(
      'ex.csv:2: unknown reason "bad luck"',
    );
  });
});

describe('without an inventory', () => {
  const imported: ImportedIncident[] = [
    { component: 'web', start: 0, end: 60_000, source: 'a' },
    { component: 'db1', kind: 'db', start: 0, end: 60_000, source: 'b' },
  ];

  it('one dedicated environment with the components seen', () => {
    const inv = inferInventory(imported, { environment: 'prod' }, 'acme', { charges: '1450.00' });
    expect(inv).toEqual({
      account: 'acme',
      environments: [
        {
          name: 'prod',
          type: 'dedicated',
          apps: ['web'],
          databases: ['db1'],
          charges: 145000n,
          oneTimeCharges: 0n,
          currency: 'USD',
        },
      ],
    });
  });

  it('needs an environment name and valid charges (usage errors)', () => {
    expect(failure(() => inferInventory(imported, {}, undefined, { charges: '1' })).exitCode).toBe(64);
    expect(
      failure(() => inferInventory(imported, { environment: 'p' }, undefined, { charges: 'lots' })).code,
    ).toBe('SLA_CHARGES_INVALID');
  });
});

describe('resolving incidents against the inventory', () => {
  const inv = parseInventory(INVENTORY, 'inv.yaml');

  it('an incident without a component concerns the whole environment', () => {
    const { incidents } = resolveIncidents([{ environment: 'prod', start: 0, end: 1, source: 's' }], inv, {});
    expect(incidents.map((i) => [i.component, i.kind])).toEqual([
      ['web', 'app'],
      ['api', 'app'],
      ['db1', 'db'],
    ]);
  });

  it('components not in the inventory are left out with a warning', () => {
    const r = resolveIncidents(
      [{ environment: 'prod', component: 'cron', start: 0, end: 1, source: 's' }],
      inv,
      {},
    );
    expect(r.incidents).toEqual([]);
    expect(r.warnings).toEqual([
      'component "cron" is not in the inventory of prod: its incidents are left out',
    ]);
  });

  it('an unknown environment or a wrong kind is bad data', () => {
    expect(
      failure(() => resolveIncidents([{ environment: 'eu', start: 0, end: 1, source: 'f:2' }], inv, {}))
        .message,
    ).toBe('f:2: environment "eu" is not in the inventory');
    expect(
      failure(() =>
        resolveIncidents(
          [{ environment: 'prod', component: 'web', kind: 'db', start: 0, end: 1, source: 'f:3' }],
          inv,
          {},
        ),
      ).message,
    ).toBe('f:3: "web" is a app in the inventory, not a db');
  });
});

describe('policy files', () => {
  it('fields left out keep the default; tiers and clauses follow the file', () => {
    const p = parsePolicy(
      'name: gcp-like\ncommitment: "99.95"\ntiers:\n  - {below: "99.95", credit: "10"}\n  - {below: "99.0", credit: "25"}\n  - {below: "95", credit: "50"}\nminuteRule: floor\nclaimWindowCycles: 1\nminimumCredit: "0.00"\n',
      'p.yaml',
    );
    expect(policyToJson(p)).toEqual({
      name: 'gcp-like',
      commitment: '99.95',
      tiers: [
        { below: '99.95', credit: '10' },
        { below: '99', credit: '25' },
        { below: '95', credit: '50' },
      ],
      minuteRule: 'floor',
      claimWindowCycles: 1,
      minimumCredit: '0.00',
      coversShared: false,
    });
    expect(p.clauses.creditTable).toBe('below 99.95% → 10%; below 99% → 25%; below 95% → 50%');
    expect(decimalToString(p.commitment)).toBe('99.95');
  });

  it.each([
    ['name: x\ntiers: []\n', 'p.yaml:2: tiers must be a non-empty list'],
    ['name: x\n\nminuteRule: round\n', 'p.yaml:3: minuteRule must be bucket, exact or floor'],
    [
      'tiers:\n  - below: "99.9"\n    credit: "10"\n  - below: "101"\n    credit: "10"\n',
      'p.yaml:4: tiers[1].below must be a percentage such as "99.9"',
    ],
    ['name: x\ncolour: blue\n', 'p.yaml:2: unknown field "colour"'],
    ['- a\n', 'p.yaml:1: expected a mapping'],
    ['tiers: [\n', 'p.yaml:2: not valid YAML (BAD_INDENT)'],
  ])('%s → exit 65', (text, message) => {
    const e = failure(() => parsePolicy(text, 'p.yaml'));
    expect(e.message).toBe(message);
    expect(e.exitCode).toBe(65);
  });
});
