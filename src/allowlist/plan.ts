/**
 * The allow-list a command prints: the exact (or explicitly widened) prefixes of a selection, the snapshot they
 * come from, and how they are split to fit a rule limit. Formats render a Plan; --json prints `planJson(plan)`.
 */
import { failed } from '../core/errors';
import type { Cidr, Family } from './cidr';
import { countAddresses } from './cidr-set';
import { chunk, widen } from './fit';
import type { Snapshot, SnapshotStamp } from './ranges';
import { aggregate, describeSelection, resolveSelection, type SelectionInput } from './select';

export type Direction = 'ingress' | 'egress';

export interface RuleOptions {
  /** undefined: every port and protocol. */
  port: number | undefined;
  direction: Direction;
  /** Chain, set, group or policy name. */
  name: string;
  /** terraform: security groups with rules, or managed prefix lists. */
  terraformResource?: 'security-group' | 'prefix-list';
}

export interface Group {
  ipv4: Cidr[];
  ipv6: Cidr[];
}

export interface Widening {
  family: Family;
  exactPrefixes: number;
  prefixes: number;
  extraAddresses: bigint;
  exactAddresses: bigint;
}

export interface Plan {
  stamp: SnapshotStamp;
  selection: ReturnType<typeof describeSelection>;
  /** Published rows the selection took (before any --exclude-service subtraction). */
  rows: number;
  ipv4: Cidr[];
  ipv6: Cidr[];
  /** The rule limit per family per group, when one applies. */
  maxRules: number | undefined;
  /** The prefixes split into groups of at most maxRules per family (one group without a limit). */
  groups: Group[];
  widened: Widening[];
  rules: RuleOptions;
}

export interface PlanOptions extends SelectionInput {
  maxRules?: number;
  lossy?: boolean;
  /** The format splits into groups (aws-sg, terraform); otherwise a list over the limit is an error. */
  splits?: boolean;
  rules: RuleOptions;
}

function fitFamily(list: Cidr[], family: Family, limit: number, widened: Widening[]): Cidr[] {
  if (list.length <= limit) return list;
  const result = widen(list, limit);
  widened.push({
    family,
    exactPrefixes: list.length,
    prefixes: result.prefixes.length,
    extraAddresses: result.extraAddresses,
    exactAddresses: countAddresses(list),
  });
  return result.prefixes;
}

export function buildPlan(snapshot: Snapshot, options: PlanOptions): Plan {
  const selection = resolveSelection(snapshot, options);
  const exact = aggregate(snapshot, selection);
  let { ipv4, ipv6 } = exact;
  const widened: Widening[] = [];
  const limit = options.maxRules;
  if (limit !== undefined && options.lossy) {
    ipv4 = fitFamily(ipv4, 4, limit, widened);
    ipv6 = fitFamily(ipv6, 6, limit, widened);
  } else if (limit !== undefined && !options.splits) {
    const over = [
      ipv4.length > limit ? `${ipv4.length} IPv4` : '',
      ipv6.length > limit ? `${ipv6.length} IPv6` : '',
    ]
      .filter(Boolean)
      .join(' and ');
    if (over) {
      throw failed(
        'ALLOWLIST_TOO_MANY_RULES',
        `the selection needs ${over} prefixes, more than --max-rules ${limit}`,
        {
          hint: 'use --format aws-sg or terraform to split into several groups, narrow the selection, or pass --lossy to widen (the output says by how much)',
          details: { ipv4: ipv4.length, ipv6: ipv6.length, maxRules: limit },
        },
      );
    }
  }
  const groups: Group[] = [];
  if (limit !== undefined && options.splits && !options.lossy) {
    const v4 = chunk(ipv4, limit);
    const v6 = chunk(ipv6, limit);
    for (let i = 0; i < Math.max(v4.length, v6.length, 1); i++)
      groups.push({ ipv4: v4[i] ?? [], ipv6: v6[i] ?? [] });
  } else {
    groups.push({ ipv4, ipv6 });
  }
  return {
    stamp: snapshot.stamp,
    selection: describeSelection(selection),
    rows: exact.rows,
    ipv4,
    ipv6,
    maxRules: limit,
    groups,
    widened,
    rules: options.rules,
  };
}

/** The plan as plain JSON (numbers that can exceed 2^53 as decimal strings). */
export function planJson(plan: Plan) {
  return {
    snapshot: plan.stamp,
    selection: plan.selection,
    counts: { rows: plan.rows, ipv4: plan.ipv4.length, ipv6: plan.ipv6.length },
    ipv4: plan.ipv4.map(String),
    ipv6: plan.ipv6.map(String),
    ...(plan.maxRules === undefined ? {} : { maxRules: plan.maxRules, groups: plan.groups.length }),
    ...(plan.widened.length === 0
      ? {}
      : {
          widened: plan.widened.map((w) => ({
            family: w.family,
            exactPrefixes: w.exactPrefixes,
            prefixes: w.prefixes,
            extraAddresses: w.extraAddresses.toString(),
            exactAddresses: w.exactAddresses.toString(),
          })),
        }),
  };
}
