import { describe, expect, it } from 'vitest';
import { FORMATS } from '../../allowlist/formats/index';
import { parseFast } from './fast';
import { FORMAT_NAMES } from './io';

describe('the start-up fast path of neptune allowlist', () => {
  it('offers exactly the formats the domain has', () => {
    expect([...FORMAT_NAMES]).toEqual(FORMATS.map((f) => f.name));
  });

  it('parses plain flags with the defaults oclif gives', () => {
    expect(
      parseFast(['--service', 'EC2', '-r', 'us-east-1', '--region=eu-*', '-f', 'nginx', '--ipv4']),
    ).toEqual({
      region: ['us-east-1', 'eu-*'],
      service: ['EC2'],
      'exclude-service': undefined,
      'network-border-group': undefined,
      ipv4: true,
      ipv6: false,
      format: 'nginx',
      'max-rules': undefined,
      lossy: false,
      port: undefined,
      direction: 'ingress',
      name: 'aws-allowlist',
      'terraform-resource': 'security-group',
      ranges: undefined,
      json: false,
    });
  });

  it.each([
    [['--help']],
    [['-h']],
    [['check', '1.2.3.4']],
    [['--region', 'us-east-1', 'us-west-2']],
    [['--format', 'pf']],
    [['--format']],
    [['--format', 'cidr', '--format', 'nginx']],
    [['--region', '--service']],
    [['--region', '']],
    [['--ipv4', '--ipv6']],
    [['--lossy']],
    [['--refresh']],
    [['--list', 'regions']],
    [['--output', 'x.txt']],
    [['--debug']],
    [['--ranges', 'https://example.com/ip-ranges.json']],
    [['--json=true']],
    [['--unknown']],
    [['-z']],
    [['--', '--service']],
  ])('leaves %j to oclif', (argv) => {
    expect(parseFast(argv)).toBeUndefined();
  });
});
