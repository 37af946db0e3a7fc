/**
 * A selection rendered in a format: the plan (select.ts, plan.ts), the formatter's text and the notices for stderr.
 * Pure, and free of the network and cache code, so that the start-up fast path (src/launch.ts) loads only this.
 */
import { usageError } from '../core/errors';
import type { Family } from './cidr';
import { FORMATS, type Formatter, formatByName } from './formats/index';
import { buildPlan, type Direction, type Plan, type RuleOptions } from './plan';
import type { Snapshot } from './ranges';

export interface AllowlistRequest {
  regions?: string[];
  services?: string[];
  excludeServices?: string[];
  networkBorderGroups?: string[];
  /** --ipv4 / --ipv6; undefined: both, or the only family the format holds. */
  family?: Family;
  format: string;
  maxRules?: number;
  lossy?: boolean;
  /** 'all' or a TCP port; undefined: the format's default. */
  port?: number | 'all';
  direction: Direction;
  name: string;
  terraformResource?: 'security-group' | 'prefix-list';
}

/** Security groups default to 60 rules per direction and family; a managed prefix list holds up to 1,000. */
export const SG_RULE_LIMIT = 60;
export const PREFIX_LIST_LIMIT = 1000;
export const DEFAULT_PORT = 443;

export function formatOrThrow(name: string): Formatter {
  const format = formatByName(name);
  if (!format) {
    throw usageError('ALLOWLIST_UNKNOWN_FORMAT', `unknown format ${JSON.stringify(name)}`, {
      hint: `formats: ${FORMATS.map((f) => f.name).join(', ')}`,
    });
  }
  return format;
}

export interface Rendered {
  plan: Plan;
  format: Formatter;
  text: string;
  /** Notes for stderr: where the output was cut into groups or widened, and managed prefix lists that fit. */
  notices: string[];
}

/** AWS-managed prefix lists that stand for a whole service (specs/allowlist.md §4), to mention when one fits. */
function managedPrefixLists(plan: Plan): string[] {
  const s = plan.selection;
  if (s.services.length !== 1 || s.excludeServices.length > 0 || s.networkBorderGroups !== 'all') return [];
  const service = s.services[0]!;
  if (service === 'CLOUDFRONT_ORIGIN_FACING' && s.regions === 'all')
    return [
      'com.amazonaws.global.cloudfront.origin-facing',
      'com.amazonaws.global.ipv6.cloudfront.origin-facing',
    ];
  const perRegion: Record<string, string> = {
    ROUTE53_HEALTHCHECKS: 'route53-healthchecks',
    EC2_INSTANCE_CONNECT: 'ec2-instance-connect',
    S3: 's3',
    DYNAMODB: 'dynamodb',
  };
  const suffix = perRegion[service];
  if (!suffix || s.regions === 'all' || s.regions.length !== 1) return [];
  return [`com.amazonaws.${s.regions[0]}.${suffix}`];
}

/** The plan of a request on a snapshot, rendered in its format. */
export function render(snapshot: Snapshot, request: AllowlistRequest): Rendered {
  const format = formatOrThrow(request.format);
  let families: Family[] | undefined = request.family ? [request.family] : undefined;
  if (format.families) {
    if (request.family && !format.families.includes(request.family)) {
      const other = format.name === 'iptables' ? 'ip6tables' : 'iptables';
      throw usageError(
        'ALLOWLIST_FORMAT_FAMILY',
        `--format ${format.name} holds IPv${format.families[0]} rules only, not IPv${request.family}`,
        { hint: `use --format ${other} for IPv${request.family}` },
      );
    }
    families = [...format.families];
  }
  const terraformResource = request.terraformResource ?? 'security-group';
  const defaultLimit =
    format.name === 'aws-sg' || (format.name === 'terraform' && terraformResource === 'security-group')
      ? SG_RULE_LIMIT
      : format.name === 'terraform'
        ? PREFIX_LIST_LIMIT
        : undefined;
  const maxRules = request.maxRules ?? defaultLimit;
  const port =
    request.port === 'all'
      ? undefined
      : (request.port ??
        (format.name === 'aws-sg' || format.name === 'terraform' ? DEFAULT_PORT : undefined));
  const rules: RuleOptions = { port, direction: request.direction, name: request.name, terraformResource };
  const plan = buildPlan(snapshot, {
    regions: request.regions,
    services: request.services,
    excludeServices: request.excludeServices,
    networkBorderGroups: request.networkBorderGroups,
    families,
    maxRules,
    lossy: request.lossy,
    splits: format.splits,
    rules,
  });
  const notices: string[] = [];
  if (plan.groups.length > 1) {
    notices.push(
      `the selection needs ${plan.ipv4.length} IPv4 and ${plan.ipv6.length} IPv6 rules: split into ${plan.groups.length} groups of at most ${plan.maxRules} per family`,
    );
  }
  for (const w of plan.widened) {
    notices.push(
      `WIDENED: IPv${w.family} ${w.exactPrefixes} -> ${w.prefixes} prefixes to fit --max-rules ${plan.maxRules}, admitting ${w.extraAddresses} addresses that AWS does not publish (the exact selection has ${w.exactAddresses})`,
    );
  }
  for (const list of managedPrefixLists(plan))
    notices.push(
      `AWS publishes this selection as the managed prefix list ${list}; a rule can reference it instead`,
    );
  return { plan, format, text: format.render(plan), notices };
}
