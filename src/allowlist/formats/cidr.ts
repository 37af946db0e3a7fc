import type { Formatter } from './common';

/** One prefix per line, IPv4 then IPv6: for scripts. No comment (plain lists have no comment syntax). */
export const cidrFormat: Formatter = {
  name: 'cidr',
  summary: 'one prefix per line (default)',
  // join builds the text in one piece: a loop of += would allocate two strings per line (the GC cost of a run).
  render: (plan) => [...plan.ipv4, ...plan.ipv6, ''].join('\n'),
};
