import type { Cidr } from '../cidr';
import type { Plan } from '../plan';
import { commentBlock, type Formatter } from './common';

/** ipset names are at most 31 characters. */
export function setName(name: string, family: 4 | 6): string {
  return `${name.replace(/[^A-Za-z0-9_.-]/g, '-').slice(0, 29)}-${family}`;
}

function sets(plan: Plan): string[] {
  const out: string[] = [];
  const add = (family: 4 | 6, list: readonly Cidr[]) => {
    if (!plan.selection.families.includes(family)) return;
    const name = setName(plan.rules.name, family);
    const maxelem = Math.max(65536, list.length);
    out.push(`create ${name} hash:net family ${family === 4 ? 'inet' : 'inet6'} maxelem ${maxelem}`);
    for (const c of list) out.push(`add ${name} ${c}`);
  };
  add(4, plan.ipv4);
  add(6, plan.ipv6);
  return out;
}

/** `ipset restore` input: one hash:net set per family. */
export const ipsetFormat: Formatter = {
  name: 'ipset',
  summary: 'ipset restore input: a hash:net set per family',
  render: (plan) =>
    [
      commentBlock(plan),
      '# load into fresh sets, then swap atomically: ipset restore < this-file; ipset swap NEW OLD',
      ...sets(plan),
      '',
    ].join('\n'),
};
