import { commentBlock, type Formatter } from './common';

/** ngx_http_access_module rules, to include in a server or location block: allow each prefix, then deny all. */
export const nginxFormat: Formatter = {
  name: 'nginx',
  summary: 'nginx allow rules ending in deny all (include in a server or location)',
  render: (plan) =>
    [commentBlock(plan), ...[...plan.ipv4, ...plan.ipv6].map((c) => `allow ${c};`), 'deny all;', ''].join(
      '\n',
    ),
};
