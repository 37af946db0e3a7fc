import type { Plan } from '../plan';
import type { Formatter } from './common';

/** Security group rule descriptions allow only these characters, up to 255 of them. */
export function ruleDescription(plan: Plan): string {
  const s = plan.selection;
  const what = `${s.services.join('+')}${s.excludeServices.length ? ` minus ${s.excludeServices.join('+')}` : ''}`;
  return `AWS ${what} ip-ranges ${plan.stamp.createDate}`
    .replace(/[^a-zA-Z0-9. _\-:/()#,@[\]+=&;{}!$*]/g, '_')
    .slice(0, 255);
}

function permission(plan: Plan, ipv4: string[], ipv6: string[]) {
  const description = ruleDescription(plan);
  const port = plan.rules.port;
  return {
    IpProtocol: port === undefined ? '-1' : 'tcp',
    ...(port === undefined ? {} : { FromPort: port, ToPort: port }),
    IpRanges: ipv4.map((CidrIp) => ({ CidrIp, Description: description })),
    Ipv6Ranges: ipv6.map((CidrIpv6) => ({ CidrIpv6, Description: description })),
  };
}

/**
 * Input for `aws ec2 authorize-security-group-{ingress,egress} --cli-input-json`: one document per security
 * group, each within --max-rules per family (AWS's default quota is 60 inbound and 60 outbound per family).
 */
export const awsSgFormat: Formatter = {
  name: 'aws-sg',
  summary: 'JSON for aws ec2 authorize-security-group-ingress/egress, split into groups of --max-rules',
  splits: true,
  render: (plan) => {
    const verb = plan.rules.direction === 'egress' ? 'egress' : 'ingress';
    const doc = {
      comment: `neptune allowlist: AWS ip-ranges.json createDate ${plan.stamp.createDate}, syncToken ${plan.stamp.syncToken}; ${plan.groups.length} security group(s), at most ${plan.maxRules} rules per family each${plan.widened.length ? '; WIDENED: see widened' : ''}`,
      snapshot: plan.stamp,
      selection: plan.selection,
      ...(plan.widened.length
        ? {
            widened: plan.widened.map((w) => ({
              family: w.family,
              exactPrefixes: w.exactPrefixes,
              prefixes: w.prefixes,
              extraAddresses: w.extraAddresses.toString(),
            })),
          }
        : {}),
      usage: `for each group: replace GroupId, then aws ec2 authorize-security-group-${verb} --cli-input-json "$(jq '.groups[N]' this-file)"`,
      groups: plan.groups.map((g, i) => ({
        GroupId: `sg-REPLACE-WITH-GROUP-${i + 1}`,
        IpPermissions: [permission(plan, g.ipv4.map(String), g.ipv6.map(String))],
      })),
    };
    return `${JSON.stringify(doc, null, 2)}\n`;
  },
};
