import { commentBlock, type Formatter } from './common';

/** mod_authz_host: a RequireAny block of Require ip lines (Apache 2.4). */
export const apacheFormat: Formatter = {
  name: 'apache',
  summary: 'Apache 2.4 <RequireAny> block of Require ip lines',
  render: (plan) =>
    [
      commentBlock(plan),
      '<RequireAny>',
      ...[...plan.ipv4, ...plan.ipv6].map((c) => `    Require ip ${c}`),
      '</RequireAny>',
      '',
    ].join('\n'),
};
