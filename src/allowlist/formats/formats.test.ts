/**
 * Golden files for every output format (test/fixtures/allowlist/golden/), from a fixed real snapshot (2026-07-23)
 * so that refreshing the embedded one does not churn them. Update deliberately with `npx vitest run -u`.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type AllowlistRequest, render } from '../index';
import { parseRanges, type Snapshot } from '../ranges';
import { REPO, SNAPSHOT_FILES, snapshotBytes } from '../testing/oracle';
import { FORMATS } from './index';

const GOLDEN = path.join(REPO, 'test/fixtures/allowlist/golden');
let snapshot: Snapshot;

beforeAll(() => {
  snapshot = parseRanges(snapshotBytes(SNAPSHOT_FILES.older), 'ip-ranges-2026-07-23-12-47-05.json');
});

const EXT: Record<string, string> = {
  cidr: 'txt',
  range: 'txt',
  json: 'json',
  csv: 'csv',
  iptables: 'rules',
  ip6tables: 'rules',
  ipset: 'ipset',
  nftables: 'nft',
  ufw: 'sh',
  nginx: 'conf',
  apache: 'conf',
  haproxy: 'lst',
  'aws-sg': 'json',
  terraform: 'tf',
  k8s: 'yaml',
};

/** CloudFront's origin-facing ranges: real, small (44 IPv4 and 3 IPv6 prefixes), both families. */
const BASE: AllowlistRequest = {
  services: ['CLOUDFRONT_ORIGIN_FACING'],
  format: 'cidr',
  direction: 'ingress',
  name: 'aws-allowlist',
};

const golden = (name: string) => path.join(GOLDEN, name);

describe('every format matches its golden file', () => {
  for (const format of FORMATS) {
    it(`${format.name}`, async () => {
      const { text } = render(snapshot, { ...BASE, format: format.name });
      await expect(text).toMatchFileSnapshot(golden(`${format.name}.${EXT[format.name]}`));
    });
  }

  it('has a golden file per format, and every format but the plain lists names its snapshot', () => {
    expect(Object.keys(EXT).sort()).toEqual(FORMATS.map((f) => f.name).sort());
    for (const format of FORMATS) {
      const { text } = render(snapshot, { ...BASE, format: format.name });
      if (['cidr', 'range', 'csv'].includes(format.name)) continue;
      expect(text, format.name).toContain('2026-07-23-12-47-05');
      expect(text, format.name).toContain('1784810825');
    }
  });
});

describe('rule options change the output as documented', () => {
  const variants: [string, Partial<AllowlistRequest>, string][] = [
    [
      'iptables egress to port 443',
      { format: 'iptables', direction: 'egress', port: 443 },
      'iptables-egress-443.rules',
    ],
    [
      'ip6tables with a chain name',
      { format: 'ip6tables', name: 'cloudfront', port: 443 },
      'ip6tables-named.rules',
    ],
    [
      'nftables egress to port 443',
      { format: 'nftables', direction: 'egress', port: 443 },
      'nftables-egress-443.nft',
    ],
    ['nftables IPv4 only', { format: 'nftables', family: 4 }, 'nftables-ipv4.nft'],
    ['ufw on port 443', { format: 'ufw', port: 443 }, 'ufw-443.sh'],
    ['ufw egress', { format: 'ufw', direction: 'egress' }, 'ufw-egress.sh'],
    ['k8s egress to port 443', { format: 'k8s', direction: 'egress', port: 443 }, 'k8s-egress-443.yaml'],
    ['aws-sg split into groups of 20', { format: 'aws-sg', maxRules: 20 }, 'aws-sg-split-20.json'],
    [
      'aws-sg egress on all ports',
      { format: 'aws-sg', direction: 'egress', port: 'all' },
      'aws-sg-egress-all.json',
    ],
    ['terraform split into groups of 20', { format: 'terraform', maxRules: 20 }, 'terraform-split-20.tf'],
    [
      'terraform prefix lists',
      { format: 'terraform', terraformResource: 'prefix-list' },
      'terraform-prefix-list.tf',
    ],
    [
      'cidr widened to 10 IPv4 rules',
      { format: 'cidr', family: 4, maxRules: 10, lossy: true },
      'cidr-lossy-10.txt',
    ],
    [
      'nginx widened to 10 rules per family',
      { format: 'nginx', maxRules: 10, lossy: true },
      'nginx-lossy-10.conf',
    ],
  ];
  for (const [title, options, file] of variants) {
    it(title, async () => {
      const { text } = render(snapshot, { ...BASE, ...options });
      await expect(text).toMatchFileSnapshot(golden(file));
    });
  }

  it('says how many groups a split needs, and never widens silently', () => {
    const split = render(snapshot, { ...BASE, format: 'aws-sg', maxRules: 20 });
    expect(split.plan.groups.length).toBe(3);
    expect(split.notices[0]).toMatch(/split into 3 groups of at most 20 per family/);
    const groups = JSON.parse(split.text).groups as { IpPermissions: { IpRanges: unknown[] }[] }[];
    expect(groups.map((g) => g.IpPermissions[0]!.IpRanges.length)).toEqual([20, 20, 4]);
    const widened = render(snapshot, { ...BASE, family: 4, maxRules: 10, lossy: true });
    expect(widened.plan.ipv4.length).toBeLessThanOrEqual(10);
    expect(
      widened.notices.some((n) => /^WIDENED: IPv4 44 -> \d+ prefixes .* admitting \d+ addresses/.test(n)),
    ).toBe(true);
  });

  it('refuses a list over --max-rules for a format that cannot split (exit 1), and a family the format lacks (64)', () => {
    expect(() => render(snapshot, { ...BASE, format: 'nginx', maxRules: 10 })).toThrow(
      /needs 44 IPv4 prefixes, more than --max-rules 10/,
    );
    expect(() => render(snapshot, { ...BASE, format: 'iptables', family: 6 })).toThrow(
      /--format iptables holds IPv4 rules only/,
    );
  });
});
