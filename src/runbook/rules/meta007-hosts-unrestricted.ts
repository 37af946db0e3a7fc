import type { Rule } from '../types';
import { keySpan, manifestHead } from './meta-util';

export const META007: Rule = {
  id: 'META007',
  name: 'hosts-unrestricted',
  group: 'META',
  severity: 'warning',
  summary: 'Remediating or privileged runbook with no hosts, or hosts: ["*"]',
  explain: `A runbook that changes things, or uses sudo, should say where it may run: a restart-nginx runbook has no
business on the database hosts. List host selectors (names, globs, tag=value) under "hosts".`,
  fix: 'none',
  languages: 'all',
  check(ctx) {
    const m = ctx.manifest;
    if (!m) return [];
    const risky = m.mode === 'remediate' || (m.sudo?.length ?? 0) > 0;
    if (!risky) return [];
    if (!m.hosts || m.hosts.length === 0)
      return [{ message: 'remediating runbook with no "hosts": say where it may run', ...manifestHead(ctx) }];
    if (m.hosts.some((h) => h.trim() === '*'))
      return [
        {
          message: 'hosts: "*" lets this runbook run anywhere: name the hosts or tags',
          ...keySpan(ctx, 'hosts'),
        },
      ];
    return [];
  },
};
