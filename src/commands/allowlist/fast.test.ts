import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadEmbedded } from '../../allowlist/embedded';
import { FORMATS } from '../../allowlist/formats/index';
import { render } from '../../allowlist/render';
import { fastAllowlist, parseFast } from './fast';
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

describe('fastAllowlist: what the launcher prints without the full CLI', () => {
  const emptyCache = () => ({ NEPTUNE_CACHE_DIR: mkdtempSync(path.join(os.tmpdir(), 'neptune-fast-')) });

  it('renders the embedded snapshot as the domain does', () => {
    const text = fastAllowlist(['--service', 'EC2', '-r', 'us-east-1', '-f', 'nginx'], emptyCache());
    const expected = render(loadEmbedded(), {
      services: ['EC2'],
      regions: ['us-east-1'],
      format: 'nginx',
      direction: 'ingress',
      name: 'aws-allowlist',
    }).text;
    expect(text).toBe(expected);
    expect(text).toContain('deny all;');
  });

  it.each([
    ['an error (unknown region)', ['--region', 'us-east-9']],
    ['a bad port', ['--port', '0']],
    [
      'notices for stderr (split into groups)',
      ['--service', 'EC2', '--format', 'aws-sg', '--max-rules', '10'],
    ],
    ['--json', ['--service', 'EC2', '--json']],
    ['--ranges', ['--ranges', 'ip-ranges.json']],
  ])('leaves %s to the full CLI', (_what, argv) => {
    expect(fastAllowlist(argv, emptyCache())).toBeUndefined();
  });

  it('leaves the run to the full CLI when the cache may hold a newer snapshot, or when told to', () => {
    const env = emptyCache();
    expect(fastAllowlist(['--service', 'S3'], env)).toBeDefined();
    expect(fastAllowlist(['--service', 'S3'], { ...env, NEPTUNE_NO_FAST_PATH: '1' })).toBeUndefined();
    mkdirSync(path.join(env.NEPTUNE_CACHE_DIR, 'allowlist'));
    writeFileSync(path.join(env.NEPTUNE_CACHE_DIR, 'allowlist', 'meta.json'), '{}');
    expect(fastAllowlist(['--service', 'S3'], env)).toBeUndefined();
  });
});
