import type { Cidr } from '../cidr';
import type { Plan } from '../plan';
import { commentBlock, type Formatter } from './common';

/** iptables chain names are at most 28 characters of letters, digits, '-' and '_'. */
export function chainName(name: string): string {
  return name
    .replace(/[^A-Za-z0-9_-]/g, '-')
    .slice(0, 28)
    .toUpperCase();
}

function render(plan: Plan, list: readonly Cidr[], tool: 'iptables' | 'ip6tables'): string {
  const chain = chainName(plan.rules.name);
  const side = plan.rules.direction === 'egress' ? '-d' : '-s';
  const match = plan.rules.port === undefined ? '' : ` -p tcp -m tcp --dport ${plan.rules.port}`;
  const hook = plan.rules.direction === 'egress' ? 'OUTPUT' : 'INPUT';
  return [
    commentBlock(plan),
    `# load without touching other rules: ${tool}-restore --noflush < this-file`,
    `# then send traffic through it, e.g.: ${tool} -I ${hook} -j ${chain}`,
    '*filter',
    `:${chain} - [0:0]`,
    ...list.map((c) => `-A ${chain} ${side} ${c}${match} -j ACCEPT`),
    'COMMIT',
    '',
  ].join('\n');
}

export const iptablesFormat: Formatter = {
  name: 'iptables',
  summary: 'iptables-restore input: a named chain of ACCEPT rules (IPv4)',
  families: [4],
  render: (plan) => render(plan, plan.ipv4, 'iptables'),
};

export const ip6tablesFormat: Formatter = {
  name: 'ip6tables',
  summary: 'ip6tables-restore input: a named chain of ACCEPT rules (IPv6)',
  families: [6],
  render: (plan) => render(plan, plan.ipv6, 'ip6tables'),
};
