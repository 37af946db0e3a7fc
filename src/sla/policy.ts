/**
 * The SLA a claim is computed against. The default is the Dedicated Environment SLA of the issue; other SLAs are
 * YAML files (`--policy FILE`) with the same fields.
 */
import { LineCounter, parseDocument } from 'yaml';
import { dataError } from '../core/errors';
import { type Decimal, decimalToString, parseDecimal, parseMoney, type Tier } from './credit';
import { MINUTE_RULES, type MinuteRule } from './intervals';

export interface Policy {
  name: string;
  /** The uptime the SLA's body promises (may be stricter than the credit table). */
  commitment: Decimal;
  /** Credit tiers; money follows these only. */
  tiers: Tier[];
  minuteRule: MinuteRule;
  /** Claims must arrive by the end of this many billing cycles after the incident's cycle. */
  claimWindowCycles: number;
  /** A credit is issued only when strictly greater than this (cents). */
  minimumCreditCents: bigint;
  /** Whether shared (non-dedicated) environments are covered. */
  coversShared: boolean;
  /** Words the claim's subject must contain. */
  subjectPhrase: string;
  /** Where claims go, when the SLA says. */
  claimTo?: string | undefined;
  /** The clauses quoted when commitment and credit table disagree. */
  clauses: { commitment: string; creditTable: string };
  /** Set when the caller moved the first tier's bound (`--threshold`), which the SLA's text does not support. */
  contested?: string | undefined;
}

const d = (s: string): Decimal => parseDecimal(s)!;

export const DEFAULT_POLICY: Policy = {
  name: 'dedicated-environment-sla',
  commitment: d('99.95'),
  tiers: [
    { below: d('99.9'), credit: d('10') },
    { below: d('99.0'), credit: d('30') },
  ],
  minuteRule: 'bucket',
  claimWindowCycles: 2,
  minimumCreditCents: 100n,
  coversShared: false,
  subjectPhrase: 'SLA Credit Request',
  clauses: {
    commitment:
      'the service will be available "with a Monthly Uptime Percentage of at least 99.95%" (headline: "Service Commitment: 99.9% Uptime")',
    creditTable: 'credits: below 99.9% and at least 99.0% → 10%; below 99.0% → 30%',
  },
};

export interface PolicyJson {
  name: string;
  commitment: string;
  tiers: { below: string; credit: string }[];
  minuteRule: MinuteRule;
  claimWindowCycles: number;
  minimumCredit: string;
  coversShared: boolean;
  contested?: string;
}

export function policyToJson(p: Policy): PolicyJson {
  return {
    name: p.name,
    commitment: decimalToString(p.commitment),
    tiers: p.tiers.map((t) => ({ below: decimalToString(t.below), credit: decimalToString(t.credit) })),
    minuteRule: p.minuteRule,
    claimWindowCycles: p.claimWindowCycles,
    minimumCredit: `${p.minimumCreditCents / 100n}.${(p.minimumCreditCents % 100n).toString().padStart(2, '0')}`,
    coversShared: p.coversShared,
    ...(p.contested ? { contested: p.contested } : {}),
  };
}

function bad(file: string, message: string, line = 1): never {
  throw dataError('SLA_POLICY_INVALID', `${file}:${line}: ${message}`, {
    hint: 'see docs/sla.md for the policy file format',
    details: { file, where: String(line) },
  });
}

/** Reads a policy from YAML text; fields left out keep the default policy's values. Errors name file and line. */
export function parsePolicy(text: string, file: string): Policy {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    bad(file, `not valid YAML (${e.code})`, lineCounter.linePos(e.pos[0]).line);
  }
  /** The line of a field, or of the nearest enclosing node. */
  const lineOf = (path: (string | number)[]): number => {
    for (let n = path.length; n >= 0; n--) {
      const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
      const offset = (node as { range?: [number, number] } | undefined)?.range?.[0];
      if (offset !== undefined) return lineCounter.linePos(offset).line;
    }
    return 1;
  };
  function fail(path: (string | number)[], message: string): never {
    bad(file, message, lineOf(path));
  }
  const percent = (path: (string | number)[], field: string, value: unknown): Decimal => {
    const parsed = parseDecimal(String(value ?? ''));
    if (!parsed || parsed.num > 100n * parsed.den) fail(path, `${field} must be a percentage such as "99.9"`);
    return parsed!;
  };
  const raw: unknown = doc.toJS();
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) fail([], 'expected a mapping');
  const o = raw as Record<string, unknown>;
  const known = new Set([
    'name',
    'commitment',
    'tiers',
    'minuteRule',
    'claimWindowCycles',
    'minimumCredit',
    'coversShared',
    'subjectPhrase',
    'claimTo',
    'clauses',
  ]);
  for (const key of Object.keys(o)) if (!known.has(key)) fail([key], `unknown field "${key}"`);
  const policy: Policy = { ...DEFAULT_POLICY, clauses: { ...DEFAULT_POLICY.clauses } };
  if (o.name !== undefined) policy.name = String(o.name);
  if (o.commitment !== undefined) policy.commitment = percent(['commitment'], 'commitment', o.commitment);
  if (o.tiers !== undefined) {
    if (!Array.isArray(o.tiers) || o.tiers.length === 0) fail(['tiers'], 'tiers must be a non-empty list');
    policy.tiers = o.tiers.map((t: unknown, i: number) => {
      const tier = (t ?? {}) as Record<string, unknown>;
      return {
        below: percent(['tiers', i, 'below'], `tiers[${i}].below`, tier.below),
        credit: percent(['tiers', i, 'credit'], `tiers[${i}].credit`, tier.credit),
      };
    });
  }
  if (o.minuteRule !== undefined) {
    if (!MINUTE_RULES.includes(o.minuteRule as MinuteRule))
      fail(['minuteRule'], 'minuteRule must be bucket, exact or floor');
    policy.minuteRule = o.minuteRule as MinuteRule;
  }
  if (o.claimWindowCycles !== undefined) {
    const n = Number(o.claimWindowCycles);
    if (!Number.isInteger(n) || n < 0 || n > 24)
      fail(['claimWindowCycles'], 'claimWindowCycles must be a whole number 0..24');
    policy.claimWindowCycles = n;
  }
  if (o.minimumCredit !== undefined) {
    const cents = parseMoney(String(o.minimumCredit));
    if (cents === undefined) fail(['minimumCredit'], 'minimumCredit must be an amount such as "1.00"');
    policy.minimumCreditCents = cents;
  }
  if (o.coversShared !== undefined) policy.coversShared = o.coversShared === true;
  if (o.subjectPhrase !== undefined) policy.subjectPhrase = String(o.subjectPhrase);
  if (o.claimTo !== undefined) policy.claimTo = String(o.claimTo);
  if (o.clauses !== undefined) {
    const c = o.clauses as Record<string, unknown>;
    policy.clauses = {
      commitment: String(c.commitment ?? policy.clauses.commitment),
      creditTable: String(c.creditTable ?? policy.clauses.creditTable),
    };
  } else if (o.tiers !== undefined || o.commitment !== undefined) {
    policy.clauses = {
      commitment: `Monthly Uptime Percentage of at least ${decimalToString(policy.commitment)}%`,
      creditTable: policy.tiers
        .map((t) => `below ${decimalToString(t.below)}% → ${decimalToString(t.credit)}%`)
        .join('; '),
    };
  }
  return policy;
}

/**
 * `--threshold X`: moves the bound of the first (mildest) tier to X, e.g. 99.95 to claim on the body's commitment
 * rather than the credit table. The result is marked contested.
 */
export function withThreshold(policy: Policy, threshold: Decimal): Policy {
  const tiers = [...policy.tiers].sort((a, b) =>
    a.below.num * b.below.den > b.below.num * a.below.den ? -1 : 1,
  );
  const first = tiers[0]!;
  if (first.below.num * threshold.den === threshold.num * first.below.den) return policy;
  return {
    ...policy,
    tiers: [{ ...first, below: threshold }, ...tiers.slice(1)],
    contested: `first credit tier moved from below ${decimalToString(first.below)}% to below ${decimalToString(threshold)}% by --threshold; the credit table does not say so`,
  };
}
