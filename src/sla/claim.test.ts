/**
 * Hand-checked scenarios for the arithmetic of spec §5. Each expected figure is worked out in the comment beside
 * it, not taken from the code.
 */
import { describe, expect, it } from 'vitest';
import { type ClaimOptions, computeClaims } from './claim';
import { parseDecimal } from './credit';
import type { Environment, Exclusion, Incident, Inventory } from './model';
import { DEFAULT_POLICY, withThreshold } from './policy';

const t = (iso: string) => Date.parse(iso);

function env(over: Partial<Environment> = {}): Environment {
  return {
    name: 'prod',
    type: 'dedicated',
    apps: ['web'],
    databases: ['db1'],
    charges: 145000n,
    oneTimeCharges: 0n,
    currency: 'USD',
    ...over,
  };
}

function inc(component: string, start: string, end: string, environment = 'prod'): Incident {
  return { environment, component, start: t(start), end: t(end), source: 'test' };
}

function down(minutes: number, startIso: string, component = 'web'): Incident {
  const start = t(startIso);
  return { environment: 'prod', component, start, end: start + minutes * 60_000, source: 'test' };
}

const NOW = t('2024-05-10T00:00:00Z');

function run(
  incidents: Incident[],
  options: Partial<ClaimOptions> = {},
  inventory: Inventory = { account: 'acme', environments: [env()] },
  exclusions: Exclusion[] = [],
) {
  return computeClaims(inventory, incidents, exclusions, {
    policy: DEFAULT_POLICY,
    anchorDay: 1,
    minuteRule: 'bucket',
    now: NOW,
    ...options,
  });
}

describe('month lengths and tier boundaries', () => {
  it('non-leap February 2023 has 40,320 minutes: 40 minutes earn nothing, 41 earn 10%', () => {
    // 40 × 1000 = 40,000 ≤ 40,320 → not below 99.9; 41 × 1000 = 41,000 > 40,320 → below 99.9.
    const at40 = run([down(40, '2023-02-10T10:00:00Z')], { now: t('2023-03-05T00:00:00Z') }).claims[0]!;
    expect(at40.totalMinutes).toBe(40320);
    expect(at40.unavailableMinutes).toBe(40);
    expect(at40.creditPercent).toBe(0);
    // 1 − 40/40320 = 99.900793…% → half-up 99.9008; below the 99.95 commitment.
    expect(at40.uptimePercent).toBe('99.9008');
    expect(at40.commitmentMet).toBe(false);
    expect(at40.reasons.join('\n')).toMatch(/commitment of 99.95% missed, no credit tier/);
    const at41 = run([down(41, '2023-02-10T10:00:00Z')], { now: t('2023-03-05T00:00:00Z') }).claims[0]!;
    expect(at41.creditPercent).toBe(10);
    // 10% of 1450.00 = 145.00
    expect(at41.creditAmount).toBe('145.00');
    expect(at41.eligible).toBe(true);
  });

  it('leap February 2024 has 41,760 minutes: 41 minutes earn nothing, 42 earn 10%', () => {
    const at41 = run([down(41, '2024-02-29T10:00:00Z')]).claims[0]!;
    expect(at41.totalMinutes).toBe(41760);
    expect(at41.creditPercent).toBe(0);
    const at42 = run([down(42, '2024-02-29T10:00:00Z')]).claims[0]!;
    expect(at42.creditPercent).toBe(10);
  });

  it('exactly 99.0000% is the 10% tier, one minute more is 30%', () => {
    // April 2024: 43,200 minutes; 432 down → 1 − 432/43200 = 99.0000% exactly.
    const exact = run([down(432, '2024-04-10T00:00:00Z')]).claims[0]!;
    expect(exact.uptimePercent).toBe('99.0000');
    expect(exact.creditPercent).toBe(10);
    const below = run([down(433, '2024-04-10T00:00:00Z')]).claims[0]!;
    // 1 − 433/43200 = 98.997685…% → 98.9977
    expect(below.uptimePercent).toBe('98.9977');
    expect(below.creditPercent).toBe(30);
    // 30% of 1450.00 = 435.00
    expect(below.creditAmount).toBe('435.00');
  });

  it('rounds the display half-up, not by truncation (99.9552, not 99.9551)', () => {
    // March: 44,640 minutes; 20 down → 99.955197…% → 99.9552; at or above 99.95 so the commitment holds.
    const c = run([down(20, '2024-03-10T00:00:00Z')]).claims[0]!;
    expect(c.uptimePercent).toBe('99.9552');
    expect(c.commitmentMet).toBe(true);
    expect(c.creditPercent).toBe(0);
    expect(c.reasons[0]).toMatch(/not below 99.9%: no credit tier/);
  });
});

describe('union, intersection and components', () => {
  it('overlapping incidents are counted once (union), adjacent ones merge', () => {
    const c = run([
      inc('web', '2024-03-01T10:00:00Z', '2024-03-01T11:00:00Z'),
      inc('web', '2024-03-01T10:30:00Z', '2024-03-01T11:30:00Z'),
      inc('web', '2024-03-01T11:30:00Z', '2024-03-01T11:40:00Z'),
    ]).claims[0]!;
    // 10:00–11:40 = 100 minutes, not 60 + 60 + 10 = 130.
    expect(c.unavailableMinutes).toBe(100);
    expect(c.incidents).toEqual([
      { start: '2024-03-01T10:00:00Z', end: '2024-03-01T11:40:00Z', minutes: 100, components: ['web'] },
    ]);
  });

  it('apps are Unavailable only while all apps are down (intersection)', () => {
    const inventory = { account: 'acme', environments: [env({ apps: ['web', 'api'] })] };
    const c = run(
      [
        inc('web', '2024-03-01T10:00:00Z', '2024-03-01T11:00:00Z'),
        inc('api', '2024-03-01T10:30:00Z', '2024-03-01T11:30:00Z'),
      ],
      {},
      inventory,
    ).claims[0]!;
    // Both down 10:30–11:00 only.
    expect(c.unavailableMinutes).toBe(30);
    expect(c.appMinutes).toBe(30);
    expect(c.incidents[0]?.components).toEqual(['web', 'api']);
  });

  it('one app down while another is up is no outage', () => {
    const inventory = { account: 'acme', environments: [env({ apps: ['web', 'api'] })] };
    const c = run([inc('web', '2024-03-01T10:00:00Z', '2024-03-01T20:00:00Z')], {}, inventory).claims[0]!;
    expect(c.unavailableMinutes).toBe(0);
    expect(c.uptimePercent).toBe('100.0000');
  });

  it('a database-only outage counts, and app and db minutes are reported apart', () => {
    const c = run([
      inc('db1', '2024-03-05T00:00:00Z', '2024-03-05T01:00:00Z'),
      inc('web', '2024-03-05T00:30:00Z', '2024-03-05T01:30:00Z'),
    ]).claims[0]!;
    // db 00:00–01:00 ∪ app 00:30–01:30 = 90 minutes.
    expect(c.dbMinutes).toBe(60);
    expect(c.appMinutes).toBe(60);
    expect(c.unavailableMinutes).toBe(90);
  });
});

describe('exclusions', () => {
  const outage = inc('web', '2024-03-01T10:00:00Z', '2024-03-01T12:00:00Z');
  const maintenance = (announced: string): Exclusion => ({
    environment: 'prod',
    start: t('2024-03-01T10:00:00Z'),
    end: t('2024-03-01T11:00:00Z'),
    reason: 'maintenance',
    announcedAt: t(announced),
    source: 'exclusions.csv:2',
  });

  it('maintenance announced before it began removes downtime, not minutes of the month', () => {
    const c = run([outage], {}, undefined, [maintenance('2024-02-25T00:00:00Z')]).claims[0]!;
    expect(c.unavailableMinutes).toBe(60);
    expect(c.excludedMinutes).toBe(60);
    expect(c.totalMinutes).toBe(44640);
    expect(c.exclusions).toHaveLength(1);
  });

  it('maintenance announced after it began is not excluded, and the reason says so', () => {
    const c = run([outage], {}, undefined, [maintenance('2024-03-01T10:05:00Z')]).claims[0]!;
    expect(c.unavailableMinutes).toBe(120);
    expect(c.excludedMinutes).toBe(0);
    expect(c.reasons.join('\n')).toMatch(/not excluded: announced after it began/);
  });

  it('other exclusion reasons need no announcement', () => {
    const ex: Exclusion = {
      ...maintenance('2024-03-01T10:05:00Z'),
      reason: 'customer',
      announcedAt: undefined,
    };
    expect(run([outage], {}, undefined, [ex]).claims[0]!.unavailableMinutes).toBe(60);
  });
});

describe('periods, time zones and billing anchors', () => {
  it('splits an incident spanning two months, each with its own deadline', () => {
    const report = run([inc('web', '2024-03-31T23:30:00Z', '2024-04-01T00:30:00Z')]);
    expect(report.claims.map((c) => [c.period.label, c.unavailableMinutes, c.deadline])).toEqual([
      ['2024-03', 30, '2024-05-31T23:59:59Z'],
      ['2024-04', 30, '2024-06-30T23:59:59Z'],
    ]);
    expect(report.claims[1]!.reasons.join('\n')).toMatch(/began in an earlier billing cycle/);
  });

  it('billing anchor 15: the cycle runs from the 15th to the 15th', () => {
    const c = run([down(50, '2024-02-01T00:00:00Z')], { anchorDay: 15 }).claims[0]!;
    // 2024-01-15 → 2024-02-15 is 31 days = 44,640 minutes; deadline = start of the third cycle after − 1 s.
    expect(c.period).toEqual({
      start: '2024-01-15T00:00:00Z',
      end: '2024-02-15T00:00:00Z',
      label: '2024-01',
    });
    expect(c.totalMinutes).toBe(44640);
    expect(c.deadline).toBe('2024-04-14T23:59:59Z');
    // 50 × 1000 = 50,000 > 44,640 → 10%.
    expect(c.creditPercent).toBe(10);
  });

  it('billing anchor 31: short months start on their last day', () => {
    const c = run([down(45, '2024-02-15T00:00:00Z')], { anchorDay: 31 }).claims[0]!;
    // Cycle starting in January: 2024-01-31 → 2024-02-29 (February has 29 days) = 29 days = 41,760 minutes.
    expect(c.period).toEqual({
      start: '2024-01-31T00:00:00Z',
      end: '2024-02-29T00:00:00Z',
      label: '2024-01',
    });
    expect(c.totalMinutes).toBe(41760);
    // The third cycle after starts in April on the 30th.
    expect(c.deadline).toBe('2024-04-29T23:59:59Z');
    expect(c.creditPercent).toBe(10);
  });

  it('--month computes a cycle even without incidents', () => {
    const c = run([], { months: ['2024-02'] }).claims[0]!;
    expect(c.uptimePercent).toBe('100.0000');
    expect(c.unavailableMinutes).toBe(0);
  });
});

describe('partial minutes under each rule', () => {
  // 10:00:30 → 10:02:15: touches minutes 10:00, 10:01, 10:02; covers 10:01 wholly; lasts 1.75 minutes.
  const partial = inc('web', '2024-03-01T10:00:30Z', '2024-03-01T10:02:15Z');
  it.each([
    ['bucket', 3],
    ['exact', 1.75],
    ['floor', 1],
  ] as const)('%s counts %d minutes', (rule, minutes) => {
    expect(run([partial], { minuteRule: rule }).claims[0]!.unavailableMinutes).toBe(minutes);
  });

  it('two short blips in the same clock minute count once under bucket', () => {
    const c = run([
      inc('web', '2024-03-01T10:00:05Z', '2024-03-01T10:00:10Z'),
      inc('web', '2024-03-01T10:00:40Z', '2024-03-01T10:00:50Z'),
    ]).claims[0]!;
    expect(c.unavailableMinutes).toBe(1);
  });

  it('warns when the rules disagree on the tier', () => {
    // March: 45 clock minutes touched (bucket 45 → 45,000 > 44,640 → 10%), 44 whole minutes (floor → 0%).
    const c = run([inc('web', '2024-03-01T10:00:30Z', '2024-03-01T10:44:45Z')]).claims[0]!;
    expect(c.creditPercent).toBe(10);
    expect(c.reasons.join('\n')).toMatch(
      /minute rules disagree on the tier: bucket → 10%, exact → 0%, floor → 0%/,
    );
  });
});

describe('money', () => {
  it('$10.00 at 10% is $1.00, which is not more than $1: not eligible', () => {
    const inventory = { account: 'acme', environments: [env({ charges: 1000n })] };
    const c = run([down(100, '2024-03-01T00:00:00Z')], {}, inventory).claims[0]!;
    expect(c.creditAmount).toBe('1.00');
    expect(c.eligible).toBe(false);
    expect(c.reasons.join('\n')).toMatch(/not more than the minimum of 1.00 USD/);
  });

  it('$10.05 at 10% is $1.005, rounded half-up to $1.01: eligible', () => {
    const inventory = { account: 'acme', environments: [env({ charges: 1005n })] };
    const c = run([down(100, '2024-03-01T00:00:00Z')], {}, inventory).claims[0]!;
    expect(c.creditAmount).toBe('1.01');
    expect(c.eligible).toBe(true);
  });

  it('one-time charges are left out of the basis', () => {
    const inventory = { account: 'acme', environments: [env({ charges: 145000n, oneTimeCharges: 25000n })] };
    const c = run([down(100, '2024-03-01T00:00:00Z')], {}, inventory).claims[0]!;
    // 10% of (1450.00 − 250.00) = 120.00
    expect(c.chargesBasis).toEqual({ charges: '1450.00', oneTimeCharges: '250.00', basis: '1200.00' });
    expect(c.creditAmount).toBe('120.00');
  });

  it('charges may differ per cycle', () => {
    const inventory = { account: 'acme', environments: [env({ charges: { '2024-03': 99999n } })] };
    const c = run([down(100, '2024-03-01T00:00:00Z')], {}, inventory).claims[0]!;
    // 10% of 999.99 = 99.999 → 100.00
    expect(c.creditAmount).toBe('100.00');
  });
});

describe('environments, thresholds and deadlines', () => {
  it('computes each environment apart; a shared one is reported but not covered', () => {
    const inventory: Inventory = {
      account: 'acme',
      environments: [
        env(),
        env({ name: 'staging', type: 'shared', charges: 50000n }),
        env({ name: 'eu', apps: ['web-eu'], databases: [], charges: 80000n, currency: 'USD' }),
      ],
    };
    const report = run(
      [
        down(500, '2024-03-01T00:00:00Z'),
        inc('web', '2024-03-02T00:00:00Z', '2024-03-03T00:00:00Z', 'staging'),
        inc('web-eu', '2024-03-02T00:00:00Z', '2024-03-02T01:00:00Z', 'eu'),
      ],
      {},
      inventory,
    );
    const by = Object.fromEntries(report.claims.map((c) => [c.environment, c]));
    // prod: 500 × 100 = 50,000 > 44,640 → below 99.0 → 30% of 1450.00 = 435.00
    expect(by.prod).toMatchObject({ creditPercent: 30, creditAmount: '435.00', eligible: true });
    // staging: a full day down, but shared: no credit.
    expect(by.staging).toMatchObject({ creditPercent: 0, creditAmount: '0.00', eligible: false });
    expect(by.staging!.uptimePercent).toBe('96.7742');
    // eu: 60 × 1000 = 60,000 > 44,640 → 10% of 800.00 = 80.00
    expect(by.eu).toMatchObject({ creditPercent: 10, creditAmount: '80.00', eligible: true });
    expect(report.totalCredit).toBe('515.00');
  });

  it('--threshold 99.95 is an explicit, contested opt-in', () => {
    // 30 minutes in March: 99.9328% — below 99.95 but not below 99.9.
    const incidents = [down(30, '2024-03-01T00:00:00Z')];
    expect(run(incidents).claims[0]!.creditPercent).toBe(0);
    const c = run(incidents, { policy: withThreshold(DEFAULT_POLICY, parseDecimal('99.95')!) }).claims[0]!;
    expect(c.creditPercent).toBe(10);
    expect(c.reasons.join('\n')).toMatch(
      /contested: first credit tier moved from below 99.9% to below 99.95%/,
    );
  });

  it('a passed deadline makes the claim ineligible and says so', () => {
    const c = run([down(100, '2024-03-01T00:00:00Z')], { now: t('2024-06-01T00:00:00Z') }).claims[0]!;
    expect(c.deadline).toBe('2024-05-31T23:59:59Z');
    expect(c.deadlineStatus).toBe('passed');
    expect(c.eligible).toBe(false);
    expect(c.reasons.join('\n')).toMatch(/deadline 2024-05-31T23:59:59Z has passed/);
  });

  it('warns when fewer than 7 days remain, and while the cycle is still running', () => {
    const closing = run([down(100, '2024-03-01T00:00:00Z')], { now: t('2024-05-28T00:00:00Z') }).claims[0]!;
    expect(closing.deadlineStatus).toBe('closing');
    expect(closing.eligible).toBe(true);
    const running = run([down(100, '2024-03-01T00:00:00Z')], { now: t('2024-03-10T00:00:00Z') }).claims[0]!;
    expect(running.reasons.join('\n')).toMatch(/has not ended yet/);
  });
});

describe('scenarios added with the inputs (issue 5, "Done when")', () => {
  it('a database-only outage while every app is up is Unavailability', () => {
    // All databases down 02:00–03:00 (both of them), apps up all along: 60 minutes, all of them db minutes.
    const inventory = { account: 'acme', environments: [env({ databases: ['db1', 'db2'] })] };
    const c = run(
      [
        inc('db1', '2024-03-05T02:00:00Z', '2024-03-05T03:00:00Z'),
        inc('db2', '2024-03-05T01:30:00Z', '2024-03-05T03:10:00Z'),
      ],
      {},
      inventory,
    ).claims[0]!;
    expect(c).toMatchObject({ unavailableMinutes: 60, appMinutes: 0, dbMinutes: 60, creditPercent: 10 });
    expect(c.incidents).toEqual([
      { start: '2024-03-05T02:00:00Z', end: '2024-03-05T03:00:00Z', minutes: 60, components: ['db1', 'db2'] },
    ]);
  });

  it('one database down while another is up is no outage', () => {
    const inventory = { account: 'acme', environments: [env({ databases: ['db1', 'db2'] })] };
    const c = run([inc('db1', '2024-03-05T02:00:00Z', '2024-03-05T05:00:00Z')], {}, inventory).claims[0]!;
    expect(c.unavailableMinutes).toBe(0);
  });

  it('DST fall-back: 01:00–03:00 local in New York on 3 November 2024 lasts three hours', () => {
    // 01:00 EDT (−04:00) = 05:00Z; the clocks go back at 02:00 EDT to 01:00 EST; 03:00 EST (−05:00) = 08:00Z.
    // Three real hours = 180 minutes, not the two the wall clock suggests. November: 43,200 minutes.
    const c = run([inc('web', '2024-11-03T01:00:00-04:00', '2024-11-03T03:00:00-05:00')], {
      now: t('2024-12-10T00:00:00Z'),
    }).claims[0]!;
    expect(c.unavailableMinutes).toBe(180);
    // 180 × 1000 > 43,200 → below 99.9; 180 × 100 = 18,000 ≤ 43,200 → not below 99.0 → 10%.
    expect(c.creditPercent).toBe(10);
    expect(c.uptimePercent).toBe('99.5833');
  });

  it('time-zone month edge: 23:30–00:30 local in Berlin on 31 March is wholly in March UTC', () => {
    // Berlin is +02:00 after 31 March 02:00 (CEST): 23:30 local = 21:30Z, 00:30 local on 1 April = 22:30Z.
    const c = run([inc('web', '2024-03-31T23:30:00+02:00', '2024-04-01T00:30:00+02:00')]);
    expect(c.claims.map((x) => [x.period.label, x.unavailableMinutes])).toEqual([['2024-03', 60]]);
  });

  it('the same incident given in UTC as 23:30–00:30 splits into two months', () => {
    const c = run([inc('web', '2024-03-31T23:30:00Z', '2024-04-01T00:30:00Z')]);
    expect(c.claims.map((x) => [x.period.label, x.unavailableMinutes])).toEqual([
      ['2024-03', 30],
      ['2024-04', 30],
    ]);
  });

  it('an incident that spans a whole cycle and beyond is capped at the cycle (uptime 0%, 30%)', () => {
    const c = run([inc('web', '2024-01-20T00:00:00Z', '2024-03-10T00:00:00Z')], { months: ['2024-02'] })
      .claims[0]!;
    expect(c).toMatchObject({ unavailableMinutes: 41760, uptimePercent: '0.0000', creditPercent: 30 });
  });

  it('exclusions for every environment (*) apply to each; the denominator stays', () => {
    const inventory: Inventory = {
      account: 'acme',
      environments: [env(), env({ name: 'eu', apps: ['web-eu'] })],
    };
    const report = run(
      [
        inc('web', '2024-03-01T10:00:00Z', '2024-03-01T11:00:00Z'),
        inc('web-eu', '2024-03-01T10:00:00Z', '2024-03-01T11:00:00Z', 'eu'),
      ],
      {},
      inventory,
      [
        {
          environment: '*',
          start: t('2024-03-01T10:30:00Z'),
          end: t('2024-03-01T12:00:00Z'),
          reason: 'force-majeure',
          source: 'x',
        },
      ],
    );
    expect(
      report.claims.map((c) => [c.environment, c.unavailableMinutes, c.excludedMinutes, c.totalMinutes]),
    ).toEqual([
      ['prod', 30, 30, 44640],
      ['eu', 30, 30, 44640],
    ]);
  });
});
