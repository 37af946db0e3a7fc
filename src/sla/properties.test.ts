/** Properties of the arithmetic that must hold for any input (fast-check). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeClaim } from './claim';
import { uptimeFraction } from './credit';
import { countMinutes, type Interval, intersect, MINUTE_RULES, subtract, union } from './intervals';
import type { Environment, Incident } from './model';
import { cycleStartingIn } from './periods';
import { DEFAULT_POLICY } from './policy';

const PERIOD = cycleStartingIn(2024, 2); // March 2024
const SPAN = PERIOD.end - PERIOD.start;
const ENV: Environment = {
  name: 'prod',
  type: 'dedicated',
  apps: ['web', 'api'],
  databases: ['db1'],
  charges: 145000n,
  oneTimeCharges: 0n,
  currency: 'USD',
};

// Incidents around and inside March, to the second, on one of the components; some spill over the edges.
const incidentArb = fc
  .record({
    component: fc.constantFrom('web', 'api', 'db1'),
    offset: fc.integer({ min: -3600, max: SPAN / 1000 }),
    seconds: fc.integer({ min: 1, max: 6 * 3600 }),
  })
  .map(
    ({ component, offset, seconds }): Incident => ({
      environment: 'prod',
      component,
      start: PERIOD.start + offset * 1000,
      end: PERIOD.start + (offset + seconds) * 1000,
      source: 'prop',
    }),
  );

function uptimeOf(incidents: Incident[], rule: (typeof MINUTE_RULES)[number]) {
  const claim = computeClaim(ENV, PERIOD, incidents, [], {
    policy: DEFAULT_POLICY,
    anchorDay: 1,
    minuteRule: rule,
    now: PERIOD.end,
  });
  return claim;
}

function lessOrEqual(a: { num: bigint; den: bigint }, b: { num: bigint; den: bigint }) {
  return a.num * b.den <= b.num * a.den;
}

describe('properties', () => {
  it.each(MINUTE_RULES)('uptime never rises when an incident is added (%s)', (rule) => {
    fc.assert(
      fc.property(fc.array(incidentArb, { maxLength: 12 }), incidentArb, (incidents, extra) => {
        const before = uptimeOf(incidents, rule);
        const after = uptimeOf([...incidents, extra], rule);
        expect(after.unavailableMinutes).toBeGreaterThanOrEqual(before.unavailableMinutes);
        expect(after.creditPercent).toBeGreaterThanOrEqual(before.creditPercent);
        const u = (c: typeof before) =>
          uptimeFraction(c.totalMinutes, {
            num: BigInt(Math.round(c.unavailableMinutes * 10_000)),
            den: 10_000n,
          });
        expect(lessOrEqual(u(after), u(before))).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it.each(MINUTE_RULES)('splitting an incident never changes the result (%s)', (rule) => {
    fc.assert(
      fc.property(
        fc.array(incidentArb, { maxLength: 8 }),
        incidentArb,
        fc.double({ min: 0, max: 1, noNaN: true }),
        (others, whole, at) => {
          const cut = whole.start + Math.floor((whole.end - whole.start) * at);
          const split = [
            { ...whole, end: cut },
            { ...whole, start: cut },
          ];
          const a = uptimeOf([...others, whole], rule);
          const b = uptimeOf([...others, ...split], rule);
          expect(b.unavailableMinutes).toBe(a.unavailableMinutes);
          expect(b.uptimePercent).toBe(a.uptimePercent);
          expect(b.creditAmount).toBe(a.creditAmount);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('floor ≤ exact ≤ bucket for any downtime', () => {
    const intervalArb = fc
      .tuple(fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 1, max: 5_000_000 }))
      .map(([s, d]): Interval => ({ start: s, end: s + d }));
    fc.assert(
      fc.property(fc.array(intervalArb, { maxLength: 10 }), (list) => {
        const set = union(list);
        const floor = countMinutes(set, 'floor');
        const exact = countMinutes(set, 'exact');
        const bucket = countMinutes(set, 'bucket');
        expect(lessOrEqual(floor, exact)).toBe(true);
        expect(lessOrEqual(exact, bucket)).toBe(true);
      }),
    );
  });

  it('set algebra: (a − b) and (a ∩ b) partition a', () => {
    const intervalArb = fc
      .tuple(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 1, max: 300 }))
      .map(([s, d]): Interval => ({ start: s, end: s + d }));
    fc.assert(
      fc.property(
        fc.array(intervalArb, { maxLength: 8 }),
        fc.array(intervalArb, { maxLength: 8 }),
        (x, y) => {
          const a = union(x);
          const b = union(y);
          const measure = (s: Interval[]) => s.reduce((n, i) => n + i.end - i.start, 0);
          expect(measure(subtract(a, b)) + measure(intersect(a, b))).toBe(measure(a));
          expect(intersect(subtract(a, b), b)).toEqual([]);
        },
      ),
    );
  });
});
