import type { Plan } from '../plan';
import { commentBlock, type Formatter } from './common';

function rule(plan: Plan, cidr: string): string {
  const port = plan.rules.port;
  if (plan.rules.direction === 'egress') {
    return port === undefined
      ? `ufw allow out to ${cidr}`
      : `ufw allow out proto tcp to ${cidr} port ${port}`;
  }
  return port === undefined
    ? `ufw allow from ${cidr}`
    : `ufw allow proto tcp from ${cidr} to any port ${port}`;
}

/** A shell script of ufw commands. */
export const ufwFormat: Formatter = {
  name: 'ufw',
  summary: 'a shell script of ufw allow commands',
  render: (plan) =>
    [
      '#!/bin/sh',
      commentBlock(plan),
      'set -e',
      ...[...plan.ipv4, ...plan.ipv6].map((c) => rule(plan, String(c))),
      '',
    ].join('\n'),
};
