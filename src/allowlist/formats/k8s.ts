import type { Plan } from '../plan';
import { commentBlock, type Formatter } from './common';

/** Kubernetes object names: lowercase DNS-1123 labels. */
export function k8sName(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9-]/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 63) || 'aws-allowlist'
  );
}

function render(plan: Plan): string {
  const egress = plan.rules.direction === 'egress';
  const peers = [...plan.ipv4, ...plan.ipv6].map((c) => `        - ipBlock:\n            cidr: "${c}"`);
  const ports =
    plan.rules.port === undefined
      ? []
      : ['      ports:', '        - protocol: TCP', `          port: ${plan.rules.port}`];
  return [
    commentBlock(plan),
    'apiVersion: networking.k8s.io/v1',
    'kind: NetworkPolicy',
    'metadata:',
    `  name: ${k8sName(plan.rules.name)}`,
    '  annotations:',
    `    neptune.io/aws-ip-ranges-create-date: "${plan.stamp.createDate}"`,
    `    neptune.io/aws-ip-ranges-sync-token: "${plan.stamp.syncToken}"`,
    'spec:',
    '  podSelector: {}',
    '  policyTypes:',
    `    - ${egress ? 'Egress' : 'Ingress'}`,
    `  ${egress ? 'egress' : 'ingress'}:`,
    `    - ${egress ? 'to' : 'from'}:${peers.length === 0 ? ' []' : ''}`,
    ...peers,
    ...ports,
    '',
  ].join('\n');
}

/** A NetworkPolicy that allows the prefixes (as ipBlocks) for every pod in its namespace. */
export const k8sFormat: Formatter = {
  name: 'k8s',
  summary: 'Kubernetes NetworkPolicy with an ipBlock per prefix',
  render,
};
