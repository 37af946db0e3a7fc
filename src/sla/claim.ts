/**
 * From incidents, inventory, exclusions and a policy to one claim per environment and billing cycle: minutes,
 * uptime, tier, amount, deadline and the reasons behind each. Pure: the clock comes in as `now`.
 */
import { creditCents, decimalToString, formatMoney, formatUptime, tierFor, uptimeBelow } from './credit';
import { claimDeadline, type DeadlineStatus, deadlineStatus } from './deadline';
import { countMinutes, MINUTE_RULES, type MinuteRule, minutesToNumber } from './intervals';
import type { Environment, Exclusion, Incident, Inventory } from './model';
import { cycleForLabel, cyclesOverlapping, type Period, periodMinutes } from './periods';
import { type Policy, type PolicyJson, policyToJson } from './policy';
import { formatInstant } from './time';
import { environmentDowntime } from './uptime';

export interface ClaimOptions {
  policy: Policy;
  /** Cycles to compute (YYYY-MM); default every cycle with incidents. */
  months?: string[] | undefined;
  anchorDay: number;
  minuteRule: MinuteRule;
  now: number;
}

export interface ClaimIncident {
  start: string;
  end: string;
  minutes: number;
  components: string[];
}

export interface Claim {
  environment: string;
  environmentType: 'dedicated' | 'shared';
  period: { start: string; end: string; label: string };
  totalMinutes: number;
  unavailableMinutes: number;
  appMinutes: number;
  dbMinutes: number;
  excludedMinutes: number;
  uptimePercent: string;
  creditPercent: number;
  creditAmount: string;
  chargesBasis: { charges: string; oneTimeCharges: string; basis: string };
  currency: string;
  eligible: boolean;
  commitmentMet: boolean;
  reasons: string[];
  deadline: string;
  deadlineStatus: DeadlineStatus;
  minuteRule: MinuteRule;
  incidents: ClaimIncident[];
  exclusions: { start: string; end: string; reason: string; source: string }[];
}

export interface ClaimReport {
  account: string;
  policy: PolicyJson;
  claims: Claim[];
  /** Sum of eligible credits; an object per currency when claims use several. */
  totalCredit: string | Record<string, string>;
  currency: string | null;
}

function chargesFor(value: bigint | Record<string, bigint>, label: string): bigint | undefined {
  return typeof value === 'bigint' ? value : value[label];
}

function periodsFor(env: Environment, incidents: readonly Incident[], options: ClaimOptions): Period[] {
  if (options.months?.length) return options.months.map((m) => cycleForLabel(m, options.anchorDay)!);
  const byLabel = new Map<string, Period>();
  for (const i of incidents) {
    if (i.environment !== env.name) continue;
    for (const p of cyclesOverlapping(i.start, i.end, options.anchorDay)) byLabel.set(p.label, p);
  }
  return [...byLabel.values()].sort((a, b) => a.start - b.start);
}

export function computeClaim(
  env: Environment,
  period: Period,
  incidents: readonly Incident[],
  exclusions: readonly Exclusion[],
  options: ClaimOptions,
): Claim {
  const { policy, minuteRule } = options;
  const total = periodMinutes(period);
  const down = environmentDowntime(env, incidents, exclusions, period, minuteRule);
  const reasons: string[] = [];
  const uptimePercent = formatUptime(total, down.unavailable);
  const covered = env.type === 'dedicated' || policy.coversShared;
  const tier = tierFor(total, down.unavailable, policy.tiers);
  const commitmentMet = !uptimeBelow(total, down.unavailable, policy.commitment);

  const charges = chargesFor(env.charges, period.label);
  const oneTime = chargesFor(env.oneTimeCharges, period.label) ?? 0n;
  const basis = charges === undefined ? 0n : charges - oneTime;
  const pct = covered && tier ? tier.credit : undefined;
  const credit = pct && charges !== undefined ? creditCents(basis, pct) : 0n;

  if (!covered) reasons.push('shared environment: the SLA applies to Dedicated Environments only; no credit');
  if (!tier) {
    const firstBound = policy.tiers
      .map((t) => decimalToString(t.below))
      .sort((a, b) => Number(b) - Number(a))[0];
    if (!commitmentMet) {
      reasons.push(
        `commitment of ${decimalToString(policy.commitment)}% missed, no credit tier: uptime ${uptimePercent}% is ` +
          `not below ${firstBound}%. The SLA says ${policy.clauses.commitment}; and ${policy.clauses.creditTable}. ` +
          'Not claimed automatically: use --threshold to opt in',
      );
    } else {
      reasons.push(`uptime ${uptimePercent}% is not below ${firstBound}%: no credit tier`);
    }
  }
  if (policy.contested && covered && tier) reasons.push(`contested: ${policy.contested}`);
  if (charges === undefined) {
    reasons.push(`no charges given for ${period.label}: add them to the inventory`);
  } else if (covered && tier && credit <= policy.minimumCreditCents) {
    reasons.push(
      `credit ${formatMoney(credit)} ${env.currency} is not more than the minimum of ` +
        `${formatMoney(policy.minimumCreditCents)} ${env.currency}: no credit is issued`,
    );
  }

  // The tier must not depend on how partial minutes are counted; say so when it does.
  const tiersByRule = MINUTE_RULES.map((rule) => {
    const m = rule === minuteRule ? down.unavailable : countMinutes(down.intervals, rule);
    const t = tierFor(total, m, policy.tiers);
    return `${rule} → ${t ? decimalToString(t.credit) : '0'}%`;
  });
  if (new Set(tiersByRule.map((s) => s.split('→ ')[1])).size > 1) {
    reasons.push(`minute rules disagree on the tier: ${tiersByRule.join(', ')}`);
  }

  for (const { exclusion, why } of down.ignored) {
    reasons.push(
      `maintenance ${formatInstant(exclusion.start)}–${formatInstant(exclusion.end)} (${exclusion.source}) not excluded: ${why}`,
    );
  }

  for (const i of incidents) {
    if (i.environment !== env.name) continue;
    if (i.start < period.start && i.end > period.start) {
      reasons.push(
        `incident from ${formatInstant(i.start)} (${i.source}) began in an earlier billing cycle: that part has ` +
          'its own, earlier deadline; file by the earliest',
      );
    }
  }

  const deadline = claimDeadline(period, policy.claimWindowCycles, options.anchorDay);
  const status = deadlineStatus(deadline, options.now);
  if (status === 'passed') reasons.push(`claim deadline ${formatInstant(deadline)} has passed`);
  if (status === 'closing')
    reasons.push(`claim deadline ${formatInstant(deadline)} is less than 7 days away`);
  if (options.now < period.end) reasons.push('the billing cycle has not ended yet: figures may still grow');

  const eligible =
    covered &&
    tier !== undefined &&
    charges !== undefined &&
    credit > policy.minimumCreditCents &&
    status !== 'passed';
  if (eligible) {
    reasons.push(
      `eligible: ${decimalToString(pct!)}% of ${formatMoney(basis)} ${env.currency} (charges excluding one-time ` +
        'payments); credits apply to future payments only and cannot be transferred',
    );
  }

  return {
    environment: env.name,
    environmentType: env.type,
    period: { start: formatInstant(period.start), end: formatInstant(period.end), label: period.label },
    totalMinutes: total,
    unavailableMinutes: minutesToNumber(down.unavailable),
    appMinutes: minutesToNumber(down.app),
    dbMinutes: minutesToNumber(down.db),
    excludedMinutes: minutesToNumber(down.excluded),
    uptimePercent,
    creditPercent: pct ? Number(decimalToString(pct)) : 0,
    creditAmount: formatMoney(credit),
    chargesBasis: {
      charges: formatMoney(charges ?? 0n),
      oneTimeCharges: formatMoney(oneTime),
      basis: formatMoney(basis),
    },
    currency: env.currency,
    eligible,
    commitmentMet,
    reasons,
    deadline: formatInstant(deadline),
    deadlineStatus: status,
    minuteRule,
    incidents: down.intervals.map((i) => ({
      start: formatInstant(i.start),
      end: formatInstant(i.end),
      minutes: minutesToNumber(countMinutes([i], minuteRule)),
      components: i.components,
    })),
    exclusions: down.applied.map((e) => ({
      start: formatInstant(e.start),
      end: formatInstant(e.end),
      reason: e.reason,
      source: e.source,
    })),
  };
}

export function computeClaims(
  inventory: Inventory,
  incidents: readonly Incident[],
  exclusions: readonly Exclusion[],
  options: ClaimOptions,
): ClaimReport {
  const claims: Claim[] = [];
  for (const env of inventory.environments) {
    for (const period of periodsFor(env, incidents, options)) {
      claims.push(computeClaim(env, period, incidents, exclusions, options));
    }
  }
  const totals = new Map<string, bigint>();
  for (const c of claims) {
    const cents = c.eligible ? BigInt(c.creditAmount.replace('.', '')) : 0n;
    totals.set(c.currency, (totals.get(c.currency) ?? 0n) + cents);
  }
  const currencies = [...new Set(inventory.environments.map((e) => e.currency))];
  const totalCredit =
    currencies.length <= 1
      ? formatMoney(totals.get(currencies[0] ?? '') ?? 0n)
      : Object.fromEntries(currencies.map((c) => [c, formatMoney(totals.get(c) ?? 0n)]));
  return {
    account: inventory.account,
    policy: policyToJson(options.policy),
    claims,
    totalCredit,
    currency: currencies.length === 1 ? currencies[0]! : null,
  };
}
