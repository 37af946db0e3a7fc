import { Flags } from '@oclif/core';
import { NeptuneCommand } from '../../core/command';
import { FORMAT_NAMES } from './io';
import { runAllowlist } from './run';
import { selectionFlags } from './shared';

export { FORMAT_NAMES } from './io';

export default class Allowlist extends NeptuneCommand {
  static override summary = "Firewall allow-lists from AWS's published IP ranges.";
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
    return runAllowlist(flags, this.output, this.jsonEnabled(), this.config.userAgent);
  }
}
