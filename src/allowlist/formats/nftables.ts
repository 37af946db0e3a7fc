import type { Cidr } from '../cidr';
import type { Plan } from '../plan';
import { commentBlock, type Formatter } from './common';

export function nftName(name: string): string {
  const clean = name.replace(/[^A-Za-z0-9_]/g, '_');
  return /^[A-Za-z]/.test(clean) ? clean : `a_${clean}`;
}

function set(name: string, type: string, list: readonly Cidr[]): string[] {
  const lines = [`\tset ${name} {`, `\t\ttype ${type}`, '\t\tflags interval'];
  if (list.length > 0) {
    lines.push('\t\telements = {');
    lines.push(...list.map((c, i) => `\t\t\t${c}${i < list.length - 1 ? ',' : ''}`));
    lines.push('\t\t}');
  }
  lines.push('\t}');
  return lines;
}

function render(plan: Plan): string {
  const base = nftName(plan.rules.name);
  const side = plan.rules.direction === 'egress' ? 'daddr' : 'saddr';
  const port = plan.rules.port === undefined ? '' : ` tcp dport ${plan.rules.port}`;
  const v4 = plan.selection.families.includes(4);
  const v6 = plan.selection.families.includes(6);
  const body: string[] = [];
  if (v4) body.push(...set(`${base}_v4`, 'ipv4_addr', plan.ipv4));
  if (v6) body.push(...set(`${base}_v6`, 'ipv6_addr', plan.ipv6));
  body.push(`\tchain ${base} {`);
  if (v4) body.push(`\t\tip ${side} @${base}_v4${port} accept`);
  if (v6) body.push(`\t\tip6 ${side} @${base}_v6${port} accept`);
  body.push('\t}');
  return [
    commentBlock(plan),
    `# load with: nft -f this-file; then jump to it from a base chain: jump ${base}`,
    `table inet ${base} {`,
    ...body,
    '}',
    '',
  ].join('\n');
}

/** An nftables table with an interval set per family and a chain that accepts matching traffic. */
export const nftablesFormat: Formatter = {
  name: 'nftables',
  summary: 'nft -f input: interval sets and a chain that accepts them',
  render,
};
