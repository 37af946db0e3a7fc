import { Flags } from '@oclif/core';
import { NeptuneCommand } from '../../core/command';
import { usageError } from '../../core/errors';
import { allowlistIo, selectionFlags, selectionInput } from './shared';

// The names are listed here (not imported from the domain) so that --help does not load it; a unit test checks
// that they match src/allowlist/formats.
export const FORMAT_NAMES = [
  'cidr',
  'range',
  'json',
  'csv',
  'iptables',
  'ip6tables',
  'ipset',
  'nftables',
  'ufw',
  'nginx',
  'apache',
  'haproxy',
  'aws-sg',
  'terraform',
  'k8s',
] as const;

export default class Allowlist extends NeptuneCommand {
  static override summary = "Firewall allow-lists from AWS's published IP ranges (ip-ranges.json).";
  static override description =
    `Selects prefixes of AWS's ip-ranges.json by service, region and network border group, subtracts excluded services as address space, and prints the minimal exact set of CIDRs (the same as Python's ipaddress.collapse_addresses) in a firewall's syntax.

Offline by default: the newest of the snapshot embedded in neptune and the cache that "neptune allowlist update" fills. Every output names its snapshot (createDate, syncToken) where the syntax has comments.

A list longer than --max-rules is split into several groups (aws-sg, terraform: 60 per family by default, AWS's default quota) or refused (exit 1); --lossy widens it to fit instead and reports exactly how many addresses that admits.`;
  static override examples = [
    '<%= config.bin %> allowlist --service EC2 --region us-east-1',
    '<%= config.bin %> allowlist --service CLOUDFRONT_ORIGIN_FACING --format nginx',
    '<%= config.bin %> allowlist --service AMAZON --exclude-service EC2 --region "eu-*" --format nftables',
    '<%= config.bin %> allowlist --service ROUTE53_HEALTHCHECKS --format aws-sg --port 443 --direction ingress',
    '<%= config.bin %> allowlist --service EC2 --region us-east-1 --ipv4 --max-rules 50 --lossy',
    '<%= config.bin %> allowlist --list regions',
  ];
  static override enableJsonFlag = true;

  static override flags = {
    ...selectionFlags,
    format: Flags.string({
      char: 'f',
      description: 'Output format.',
      options: [...FORMAT_NAMES],
      default: 'cidr',
      helpGroup: 'OUTPUT',
    }),
    output: Flags.string({
      char: 'o',
      description: 'Write the result to this file (atomically) instead of stdout.',
      helpGroup: 'OUTPUT',
    }),
    // A string, validated in run(): oclif's own integer errors escape its parse-error type (they would exit 70).
    'max-rules': Flags.string({
      description:
        'Most prefixes per family in one rule set (default 60 for aws-sg and terraform security groups, 1000 for prefix lists).',
      helpGroup: 'OUTPUT',
    }),
    lossy: Flags.boolean({
      description:
        'Widen the list to fit --max-rules (fewest extra addresses) instead of splitting or failing.',
      dependsOn: ['max-rules'],
      helpGroup: 'OUTPUT',
    }),
    port: Flags.string({
      description:
        'TCP port of the rules, or "all" (default: 443 for aws-sg and terraform, all ports elsewhere).',
      helpGroup: 'RULES',
    }),
    direction: Flags.string({
      description: 'Traffic from the prefixes (ingress) or to them (egress).',
      options: ['ingress', 'egress'],
      default: 'ingress',
      helpGroup: 'RULES',
    }),
    name: Flags.string({
      description: 'Name of the chain, set, security group or policy.',
      default: 'aws-allowlist',
      helpGroup: 'RULES',
    }),
    'terraform-resource': Flags.string({
      description: 'What --format terraform declares.',
      options: ['security-group', 'prefix-list'],
      default: 'security-group',
      helpGroup: 'RULES',
    }),
    ranges: Flags.string({
      description:
        'Read this ip-ranges.json instead: a file (may be gzipped), an https:// URL, "embedded" or "cache".',
      helpGroup: 'SOURCE',
    }),
    refresh: Flags.boolean({
      description: 'Run "neptune allowlist update" first (fetch the current file into the cache).',
      exclusive: ['ranges'],
      helpGroup: 'SOURCE',
    }),
    list: Flags.string({
      description: 'List the names in the snapshot instead of prefixes.',
      options: ['regions', 'services', 'network-border-groups'],
      helpGroup: 'SOURCE',
    }),
  };

  async run(): Promise<unknown> {
    const { flags } = await this.parse(Allowlist);
    const port = parsePort(flags.port);
    const maxRules = parseMaxRules(flags['max-rules']);
    const domain = await import('../../allowlist/index');
    const io = await allowlistIo(this.output, this.config.userAgent);
    try {
      if (flags.refresh) await domain.update(io);
      const snapshot = await domain.openSnapshot(io, flags.ranges);

      if (flags.list) {
        const names =
          flags.list === 'regions'
            ? domain.knownRegions(snapshot)
            : flags.list === 'services'
              ? domain.knownServices(snapshot)
              : domain.knownNetworkBorderGroups(snapshot);
        if (this.jsonEnabled()) return { snapshot: snapshot.stamp, [flags.list]: names };
        this.output.write(names.map((n) => `${n}\n`).join(''));
        return undefined;
      }

      const rendered = domain.render(snapshot, {
        ...selectionInput(flags),
        format: flags.format,
        maxRules,
        lossy: flags.lossy,
        port,
        direction: flags.direction as 'ingress' | 'egress',
        name: flags.name,
        terraformResource: flags['terraform-resource'] as 'security-group' | 'prefix-list',
      });
      for (const notice of rendered.notices) {
        if (notice.startsWith('WIDENED')) this.output.warn(notice);
        else this.output.info(notice);
      }
      if (flags.output) {
        const { writeFileAtomic } = await import('../../core/fs');
        await writeFileAtomic(flags.output, rendered.text);
        this.output.info(
          `wrote ${rendered.plan.ipv4.length} IPv4 and ${rendered.plan.ipv6.length} IPv6 prefixes to ${flags.output}`,
        );
      }
      if (this.jsonEnabled()) return domain.planJson(rendered.plan);
      if (!flags.output) this.output.write(rendered.text);
      return undefined;
    } finally {
      await io.close?.();
    }
  }
}

function parsePort(text: string | undefined): number | 'all' | undefined {
  if (text === undefined) return undefined;
  if (text === 'all') return 'all';
  if (/^[1-9][0-9]{0,4}$/.test(text) && Number(text) <= 65535) return Number(text);
  throw usageError('ALLOWLIST_BAD_PORT', `--port ${JSON.stringify(text)} is not a TCP port`, {
    hint: 'give a number from 1 to 65535, or "all"',
  });
}

function parseMaxRules(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (/^[1-9][0-9]{0,5}$/.test(text)) return Number(text);
  throw usageError(
    'ALLOWLIST_BAD_MAX_RULES',
    `--max-rules ${JSON.stringify(text)} is not a positive number`,
    {
      hint: 'give the rule limit per family, e.g. --max-rules 60 (AWS security groups allow 60 by default)',
    },
  );
}
