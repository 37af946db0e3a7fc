import { commentBlock, type Formatter } from './common';

/** An HAProxy ACL pattern file: `acl aws src -f this-file`. */
export const haproxyFormat: Formatter = {
  name: 'haproxy',
  summary: 'HAProxy ACL file (acl aws src -f FILE)',
  render: (plan) =>
    [
      commentBlock(plan),
      '# use with: acl aws_allowlist src -f /etc/haproxy/aws-allowlist.lst',
      ...[...plan.ipv4, ...plan.ipv6].map(String),
      '',
    ].join('\n'),
};
