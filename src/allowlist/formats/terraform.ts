import type { Plan } from '../plan';
import { ruleDescription } from './aws-sg';
import { commentBlock, type Formatter } from './common';

export type TerraformResource = 'security-group' | 'prefix-list';

function identifier(name: string): string {
  const clean = name.replace(/[^A-Za-z0-9_]/g, '_');
  return /^[A-Za-z_]/.test(clean) ? clean : `_${clean}`;
}

const q = (s: string) => JSON.stringify(s);

function listOfLists(lists: string[][]): string {
  if (lists.every((l) => l.length === 0)) return `[${lists.map(() => '[]').join(', ')}]`;
  return `[\n${lists.map((l) => (l.length === 0 ? '    [],' : `    [\n${l.map((c) => `      ${q(c)},`).join('\n')}\n    ],`)).join('\n')}\n  ]`;
}

function securityGroups(plan: Plan): string {
  const id = identifier(plan.rules.name);
  const n = plan.groups.length;
  const port = plan.rules.port;
  const description = ruleDescription(plan);
  return [
    'variable "vpc_id" {',
    '  type        = string',
    '  description = "VPC that holds the allow-list security groups"',
    '}',
    '',
    'locals {',
    `  ${id}_ipv4 = ${listOfLists(plan.groups.map((g) => g.ipv4.map(String)))}`,
    `  ${id}_ipv6 = ${listOfLists(plan.groups.map((g) => g.ipv6.map(String)))}`,
    '}',
    '',
    `# ${n} security group(s): AWS allows ${plan.maxRules} rules per direction and family in each by default.`,
    `resource "aws_security_group" "${id}" {`,
    `  count       = ${n}`,
    `  name        = "${plan.rules.name}-\${count.index + 1}"`,
    `  description = ${q(description)}`,
    '  vpc_id      = var.vpc_id',
    '}',
    '',
    `resource "aws_security_group_rule" "${id}" {`,
    `  count             = ${n}`,
    `  type              = ${q(plan.rules.direction)}`,
    `  protocol          = ${q(port === undefined ? '-1' : 'tcp')}`,
    `  from_port         = ${port ?? 0}`,
    `  to_port           = ${port ?? 0}`,
    `  cidr_blocks       = length(local.${id}_ipv4[count.index]) > 0 ? local.${id}_ipv4[count.index] : null`,
    `  ipv6_cidr_blocks  = length(local.${id}_ipv6[count.index]) > 0 ? local.${id}_ipv6[count.index] : null`,
    `  security_group_id = aws_security_group.${id}[count.index].id`,
    `  description       = ${q(description)}`,
    '}',
  ].join('\n');
}

function prefixLists(plan: Plan): string {
  const id = identifier(plan.rules.name);
  const description = ruleDescription(plan);
  const out: string[] = [];
  plan.groups.forEach((g, i) => {
    for (const [family, list] of [
      [4, g.ipv4],
      [6, g.ipv6],
    ] as const) {
      if (list.length === 0) continue;
      const suffix = plan.groups.length > 1 ? `_${i + 1}` : '';
      out.push(
        `resource "aws_ec2_managed_prefix_list" "${id}_ipv${family}${suffix}" {`,
        `  name           = "${plan.rules.name}-ipv${family}${suffix.replace('_', '-')}"`,
        `  address_family = "IPv${family}"`,
        `  max_entries    = ${list.length}`,
        '',
        ...list.flatMap((c) => [
          '  entry {',
          `    cidr        = ${q(String(c))}`,
          `    description = ${q(description)}`,
          '  }',
        ]),
        '}',
        '',
      );
    }
  });
  return out.join('\n').trimEnd();
}

/** Terraform (AWS provider): security groups with rules, or managed prefix lists (--terraform-resource). */
export const terraformFormat: Formatter = {
  name: 'terraform',
  summary: 'Terraform: security groups and rules, or managed prefix lists, split by --max-rules',
  splits: true,
  render: (plan) =>
    `${commentBlock(plan)}\n\n${plan.rules.terraformResource === 'prefix-list' ? prefixLists(plan) : securityGroups(plan)}\n`,
};
