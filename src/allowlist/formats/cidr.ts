import type { Formatter } from './common';

/** One prefix per line, IPv4 then IPv6: for scripts. No comment (plain lists have no comment syntax). */
export const cidrFormat: Formatter = {
  name: 'cidr',
  summary: 'one prefix per line (default)',
  render: (plan) => {
    let text = '';
    for (const c of plan.ipv4) text += `${c}\n`;
    for (const c of plan.ipv6) text += `${c}\n`;
    return text;
  },
};
