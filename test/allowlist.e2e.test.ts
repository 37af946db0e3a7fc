/**
 * `neptune allowlist`, `check` and `diff` through the real CLI (bin/neptune, or dist/neptune under test:exe):
 * exactness against Python's ipaddress on the three real snapshots, the bad-input corpus, usage errors, --json.
 * `update` and `--refresh` are in allowlist-update.e2e.test.ts.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO, runCli, tempHome } from './helpers/cli';

const FIXTURES = path.join(REPO, 'test/fixtures/allowlist');
const SNAPSHOTS = {
  newest: path.join(REPO, 'data/aws/ip-ranges.json.gz'),
  older: path.join(FIXTURES, 'ip-ranges-2026-07-23-12-47-05.json.gz'),
  old2016: path.join(FIXTURES, 'ip-ranges-2016-04-22-18-22-20.json.gz'),
};
const ORACLE = path.join(REPO, 'src/allowlist/testing/oracle.py');
const home = tempHome();
const plain: Record<string, string> = {};

beforeAll(() => {
  for (const [name, file] of Object.entries(SNAPSHOTS)) {
    plain[name] = path.join(home, `${name}.json`);
    writeFileSync(plain[name]!, gunzipSync(readFileSync(file)));
  }
});

const cli = (args: string[], extra: { env?: Record<string, string> } = {}) =>
  runCli(args, { home, ...extra });

interface Selection {
  services?: string[];
  exclude?: string[];
  regions?: string[];
  nbgs?: string[];
  families?: (4 | 6)[];
}

function oracle(file: string, selections: Selection[]): string[][] {
  const out = execFileSync('python3', [ORACLE], {
    input: JSON.stringify({ selections: selections.map((s) => ({ file, ...s })) }),
    maxBuffer: 256 << 20,
  });
  return JSON.parse(out.toString('utf8')) as string[][];
}

function flagsOf(s: Selection): string[] {
  return [
    ...(s.services ?? []).flatMap((x) => ['--service', x]),
    ...(s.exclude ?? []).flatMap((x) => ['--exclude-service', x]),
    ...(s.regions ?? []).flatMap((x) => ['--region', x]),
    ...(s.nbgs ?? []).flatMap((x) => ['--network-border-group', x]),
    ...(s.families?.length === 1 ? [`--ipv${s.families[0]}`] : []),
  ];
}

/** One line per error: `error: …` then `hint: …`, no stack. */
function expectOneLineError(stderr: string, pattern: RegExp): void {
  const lines = stderr.trim().split('\n');
  expect(lines[0]).toMatch(pattern);
  expect(lines.length).toBeLessThanOrEqual(2);
  if (lines[1]) expect(lines[1]).toMatch(/^hint: /);
  expect(stderr).not.toMatch(/\n\s+at /);
}

describe('neptune allowlist: exact output through the CLI', { timeout: 120_000 }, () => {
  const cases: [keyof typeof SNAPSHOTS, Selection][] = [
    ['newest', {}],
    ['newest', { services: ['EC2'], regions: ['us-east-1'] }],
    ['newest', { services: ['AMAZON'], exclude: ['EC2'], regions: ['eu-*'] }],
    ['newest', { services: ['S3', 'CLOUDFRONT'], families: [6] }],
    ['newest', { services: ['EC2'], nbgs: ['us-east-1-*'], families: [4] }],
    ['older', { services: ['ROUTE53_HEALTHCHECKS', 'CLOUDFRONT'] }],
    ['older', { exclude: ['EC2', 'S3'] }],
    ['old2016', {}],
    ['old2016', { services: ['EC2'], regions: ['us-*'], exclude: ['ROUTE53_HEALTHCHECKS'] }],
  ];

  it('prints, for each selection and snapshot, exactly what Python ipaddress.collapse_addresses gives', async () => {
    for (const name of Object.keys(SNAPSHOTS) as (keyof typeof SNAPSHOTS)[]) {
      const mine = cases.filter(([n]) => n === name);
      const expected = oracle(
        plain[name]!,
        mine.map(([, s]) => s),
      );
      const results = await Promise.all(
        mine.map(([, s]) => cli(['allowlist', '--ranges', SNAPSHOTS[name], ...flagsOf(s)])),
      );
      results.forEach((r, i) => {
        expect(r.code, r.stderr).toBe(0);
        expect({ selection: mine[i]![1], lines: r.stdout.split('\n').filter(Boolean) }).toEqual({
          selection: mine[i]![1],
          lines: expected[i],
        });
      });
    }
  });

  it('defaults to the embedded snapshot, and --json names it with syncToken, createDate and SHA-256', async () => {
    const stamp = JSON.parse(readFileSync(path.join(REPO, 'data/aws/ip-ranges.stamp.json'), 'utf8'));
    const r = await cli(['allowlist', '--service', 'EC2', '--region', 'us-east-1', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.snapshot).toEqual({
      syncToken: stamp.syncToken,
      createDate: stamp.createDate,
      sha256: stamp.sha256,
      source: 'embedded',
    });
    expect(doc.counts).toEqual({ rows: expect.any(Number), ipv4: doc.ipv4.length, ipv6: doc.ipv6.length });
    expect(doc.ipv4.length).toBe(232);
    expect(doc.selection).toMatchObject({ services: ['EC2'], regions: ['us-east-1'] });
    // --format json prints the same document.
    const f = await cli(['allowlist', '--service', 'EC2', '--region', 'us-east-1', '--format', 'json']);
    expect(JSON.parse(f.stdout)).toEqual(doc);
  });

  it('reads a plain or gzipped file and "embedded"; writes --output atomically', async () => {
    const a = await cli(['allowlist', '--ranges', plain.older!, '--service', 'S3']);
    const b = await cli(['allowlist', '--ranges', SNAPSHOTS.older, '--service', 'S3']);
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    const out = path.join(home, 'out', 'aws.nft');
    mkdirSync(path.dirname(out), { recursive: true });
    const c = await cli([
      'allowlist',
      '--ranges',
      'embedded',
      '--service',
      'S3',
      '--format',
      'nftables',
      '-o',
      out,
    ]);
    expect(c.code, c.stderr).toBe(0);
    expect(c.stdout).toBe('');
    expect(c.stderr).toMatch(/^wrote \d+ IPv4 and \d+ IPv6 prefixes to /);
    expect(readFileSync(out, 'utf8')).toContain('flags interval');
    expect(readdirSync(path.dirname(out))).toEqual(['aws.nft']);
  });

  it('lists regions, services and border groups', async () => {
    const r = await cli(['allowlist', '--list', 'regions']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')).toContain('us-east-1');
    expect(r.stdout.split('\n')).toContain('GLOBAL');
    const s = await cli(['allowlist', '--list', 'services', '--json']);
    expect(JSON.parse(s.stdout).services).toContain('CLOUDFRONT_ORIGIN_FACING');
  });

  it('splits an aws-sg list over 60 rules into groups and says so on stderr; --lossy widens and says by how much', async () => {
    const r = await cli(['allowlist', '--service', 'EC2', '--region', 'us-east-1', '--format', 'aws-sg']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/232 IPv4 and 174 IPv6 rules: split into 4 groups of at most 60 per family/);
    expect(JSON.parse(r.stdout).groups).toHaveLength(4);
    const l = await cli([
      'allowlist',
      ...['--service', 'EC2', '--region', 'us-east-1', '--ipv4', '--max-rules', '50', '--lossy'],
    ]);
    expect(l.code).toBe(0);
    expect(l.stdout.trim().split('\n').length).toBeLessThanOrEqual(50);
    expect(l.stderr).toMatch(
      /^warning: WIDENED: IPv4 232 -> \d+ prefixes to fit --max-rules 50, admitting \d+ addresses/m,
    );
    const n = await cli(['allowlist', '--service', 'EC2', '--region', 'us-east-1', '--max-rules', '50']);
    expect(n.code).toBe(1);
    expectOneLineError(
      n.stderr,
      /^error: the selection needs 232 IPv4 and 174 IPv6 prefixes, more than --max-rules 50$/,
    );
  });
});

describe('neptune allowlist check', { timeout: 120_000 }, () => {
  it('names every published prefix containing an address, and answers "in no range" with exit 0', async () => {
    const r = await cli(['allowlist', 'check', '52.95.110.1', '8.8.8.8', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.results[0]).toMatchObject({ address: '52.95.110.1', found: true });
    expect(doc.results[0].matches).toContainEqual({
      prefix: '52.95.110.0/24',
      service: 'ROUTE53',
      region: 'GLOBAL',
      networkBorderGroup: 'GLOBAL',
    });
    expect(doc.results[1]).toEqual({ address: '8.8.8.8', found: false, matches: [] });
    const human = await cli(['allowlist', 'check', '2600:1f18::1']);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^2600:1f18::1:\n {2}2600:1f18::\/\d+ +\S+ +us-east-1/);
  });

  it('rejects an invalid address with exit 65 before answering anything', async () => {
    const r = await cli(['allowlist', 'check', '52.95.110.1', '300.1.1.1']);
    expect(r.code).toBe(65);
    expect(r.stdout).toBe('');
    expectOneLineError(r.stderr, /^error: "300\.1\.1\.1" is not an IP address: octet 300 is above 255$/);
  });

  it('a mistyped subcommand is "not a neptune command" (127) with the nearest one', async () => {
    const r = await cli(['allowlist', 'chek', '52.95.110.1']);
    expect(r.code).toBe(127);
    const lines = r.stderr.trim().split('\n');
    expect(lines[0]).toBe('error: allowlist chek is not a neptune command');
    expect(lines[1]).toMatch(/^hint: did you mean neptune allowlist check\b/);
    expect(lines).toHaveLength(2);
  });

  it('a missing required argument is a usage error (64) on one line that names it', async () => {
    const r = await cli(['allowlist', 'check']);
    expect(r.code).toBe(64);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines[0]).toBe('error: missing required argument: ip');
    expect(lines[1]).toBe('hint: see neptune allowlist check --help');
    expect(lines).toHaveLength(2);
    const d = await cli(['allowlist', 'diff', 'embedded']);
    expect(d.code).toBe(64);
    expect(d.stderr.split('\n')[0]).toBe('error: missing required argument: new');
  });
});

describe('neptune allowlist diff', { timeout: 120_000 }, () => {
  it('shows prefixes added and removed, as rows and after aggregation; --exit-code exits 1 on change', async () => {
    const args = [
      'allowlist',
      'diff',
      SNAPSHOTS.older,
      'embedded',
      '--service',
      'EC2',
      '--region',
      'us-east-1',
    ];
    const r = await cli([...args, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.old.syncToken).toBe('1784810825');
    expect(doc.new.source).toBe('embedded');
    expect(doc.changed).toBe(true);
    // Independently: the aggregated lists from the CLI itself, compared as sets.
    const before = await cli([
      'allowlist',
      '--ranges',
      SNAPSHOTS.older,
      '--service',
      'EC2',
      '--region',
      'us-east-1',
    ]);
    const after = await cli(['allowlist', '--service', 'EC2', '--region', 'us-east-1']);
    const a = new Set(before.stdout.trim().split('\n'));
    const b = new Set(after.stdout.trim().split('\n'));
    expect(doc.aggregated.added).toEqual([...b].filter((x) => !a.has(x)));
    expect(doc.aggregated.removed).toEqual([...a].filter((x) => !b.has(x)));
    const human = await cli([...args, '--exit-code']);
    expect(human.code).toBe(1);
    expect(human.stdout).toMatch(/^--- .*createDate 2026-07-23-12-47-05/);
    expect(human.stdout).toMatch(/^aggregated: \d+ prefixes added, \d+ removed/m);
  });

  it('reports no change between a snapshot and itself (exit 0 with --exit-code)', async () => {
    const r = await cli(['allowlist', 'diff', SNAPSHOTS.older, plain.older!, '--exit-code']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('no change for this selection');
  });
});

describe('bad input: one line with the file, the entry and the reason', { timeout: 120_000 }, () => {
  const corpus = path.join(FIXTURES, 'bad');
  const expected: Record<string, RegExp> = {
    'empty.json': /: the file is empty$/,
    'truncated.json': /: not valid JSON: the file ends early \(truncated download\?\)$/,
    'not-json.json': /: not valid JSON \(/,
    'html.json': /: not valid JSON \(/,
    'top-level-array.json': /: the top level must be an object, found an array$/,
    'synctoken-number.json': /: "syncToken" must be a string, found the number 1787411825$/,
    'bad-create-date.json': /: createDate: "22\/08\/2026" is not YYYY-MM-DD-hh-mm-ss$/,
    'missing-prefixes.json': /: missing field "prefixes"$/,
    'prefixes-object.json': /: prefixes: must be an array, found an object$/,
    'bad-prefix-length.json': /: prefixes\[1\]: ip_prefix "3\.5\.140\.0\/33": prefix length 33 is above 32$/,
    'host-bits.json': /: prefixes\[0\]: ip_prefix "3\.5\.140\.1\/22": has host bits set/,
    'ipv6-in-ipv4-list.json':
      /: prefixes\[0\]: ip_prefix "2600:1f18::\/36": is an IPv6 prefix, expected IPv4$/,
    'missing-region.json': /: prefixes\[0\]: missing field "region"$/,
    'service-array.json': /: prefixes\[0\]: "service" must be a string, found an array$/,
    'bad-ipv6.json': /: ipv6_prefixes\[1\]: ipv6_prefix "2600:1f18:::\/36": "::" may appear only once$/,
    'null-entry.json': /: prefixes\[0\]: must be an object, found null$/,
    'nbg-number.json':
      /: prefixes\[0\]: "network_border_group" must be a non-empty string, found the number 7$/,
  };

  it('covers every file of the corpus', () => {
    expect(readdirSync(corpus).sort()).toEqual(Object.keys(expected).sort());
  });

  it('every file of the corpus: exit 65, one line naming the file, the entry and the reason', async () => {
    const names = Object.keys(expected);
    // Four at a time: each run is a process start, and the machine has two cores.
    const results: Awaited<ReturnType<typeof cli>>[] = [];
    for (let i = 0; i < names.length; i += 4) {
      const batch = names
        .slice(i, i + 4)
        .map((name) => cli(['allowlist', '--ranges', path.join(corpus, name)]));
      results.push(...(await Promise.all(batch)));
    }
    names.forEach((name, i) => {
      const r = results[i]!;
      const file = path.join(corpus, name);
      expect({ name, code: r.code, stdout: r.stdout }).toEqual({ name, code: 65, stdout: '' });
      expectOneLineError(
        r.stderr,
        new RegExp(`^error: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}${expected[name]!.source}`),
      );
    });
  });

  it('--json gives the error as JSON with its code', async () => {
    const r = await cli(['allowlist', '--ranges', path.join(corpus, 'host-bits.json'), '--json']);
    expect(r.code).toBe(65);
    expect(JSON.parse(r.stdout).error).toMatchObject({ code: 'ALLOWLIST_RANGES_INVALID', kind: 'data' });
  });

  it('a huge file (over 64 MiB), a damaged gzip file and a gzip bomb: exit 65, nothing read past the limit', async () => {
    const huge = path.join(home, 'huge.json');
    const fd = openSync(huge, 'w');
    writeFileSync(fd, '{"syncToken": "1", ');
    closeSync(fd);
    execFileSync('truncate', ['-s', String(64 * 1024 * 1024 + 1), huge]);
    const h = await cli(['allowlist', '--ranges', huge]);
    expect(h.code).toBe(65);
    expectOneLineError(h.stderr, /: the file is 67108865 bytes, above the limit of 67108864$/);

    const damaged = path.join(home, 'damaged.json.gz');
    writeFileSync(damaged, readFileSync(SNAPSHOTS.old2016).subarray(0, 500));
    const d = await cli(['allowlist', '--ranges', damaged]);
    expect(d.code).toBe(65);
    expectOneLineError(d.stderr, /damaged\.json\.gz: is a damaged gzip file$/);

    const bomb = path.join(home, 'bomb.json.gz');
    const { gzipSync } = await import('node:zlib');
    writeFileSync(bomb, gzipSync(Buffer.alloc(65 * 1024 * 1024, 0x20)));
    const b = await cli(['allowlist', '--ranges', bomb]);
    expect(b.code).toBe(65);
    expectOneLineError(b.stderr, /bomb\.json\.gz: decompresses to more than 67108864 bytes$/);
  });

  it('a missing file or a directory: exit 66', async () => {
    const [r, d, c] = await Promise.all([
      cli(['allowlist', '--ranges', path.join(home, 'nope.json')]),
      cli(['allowlist', 'check', '1.1.1.1', '--ranges', home]),
      cli(['allowlist', 'diff', path.join(home, 'nope.json'), 'embedded']),
    ]);
    expect(r.code).toBe(66);
    expectOneLineError(r.stderr, /^error: .*nope\.json: no such file$/);
    expect(d.code).toBe(66);
    expectOneLineError(d.stderr, /is a directory, expected a file$/);
    expect(c.code).toBe(66);
  });

  it('an unknown region or service: exit 64, listing the valid names', async () => {
    const r = await cli(['allowlist', '--region', 'us-east-9']);
    expect(r.code).toBe(64);
    expectOneLineError(r.stderr, /^error: unknown region "us-east-9"; did you mean us-east-1/);
    const hint = r.stderr.trim().split('\n')[1]!;
    for (const region of ['us-east-1', 'eu-west-1', 'GLOBAL', 'us-west-2']) expect(hint).toContain(region);
    const s = await cli(['allowlist', '--service', 'EC3', '--json']);
    expect(s.code).toBe(64);
    const error = JSON.parse(s.stdout).error;
    expect(error.code).toBe('ALLOWLIST_UNKNOWN_SERVICE');
    expect(error.details.valid).toContain('EC2');
    expect(error.hint).toContain('CLOUDFRONT_ORIGIN_FACING');
    const x = await cli(['allowlist', 'diff', 'embedded', 'embedded', '--exclude-service', 'NOPE']);
    expect(x.code).toBe(64);
  });

  it('bad flags: an unknown format, a bad port, --lossy without --max-rules, --ipv4 with --ipv6: exit 64', async () => {
    const runs: Promise<{ args: string[]; r: Awaited<ReturnType<typeof cli>> }>[] = [];
    for (const args of [
      ['--format', 'pf'],
      ['--port', '70000'],
      ['--port', 'https'],
      ['--lossy'],
      ['--ipv4', '--ipv6'],
      ['--max-rules', '0'],
      ['--format', 'iptables', '--ipv6'],
      ['--ranges', 'http://example.com/ip-ranges.json'],
    ]) {
      runs.push(cli(['allowlist', ...args]).then((r) => ({ args, r })));
    }
    for (const { args, r } of await Promise.all(runs)) {
      expect(r.code, args.join(' ')).toBe(64);
      expect(r.stdout).toBe('');
      expectOneLineError(r.stderr, /^error: /);
    }
  });
});

describe('the start-up fast path', { timeout: 120_000 }, () => {
  it('gives exactly what the oclif path gives (stdout, stderr, exit code) for the same argv', async () => {
    const table = [
      ['--service', 'EC2', '--region', 'us-east-1'],
      ['-s', 'S3', '-r', 'eu-*', '-f', 'nginx', '--port', '443'],
      ['--service=CLOUDFRONT_ORIGIN_FACING', '--format', 'aws-sg', '--max-rules', '20'],
      ['--service', 'EC2', '--region', 'us-east-1', '--ipv4', '--max-rules', '50', '--lossy', '--json'],
      ['--exclude-service', 'EC2', '--ipv6', '--format', 'nftables', '-q'],
      ['--ranges', SNAPSHOTS.old2016, '--format', 'range'],
      ['--region', 'us-east-9'],
      ['--service', 'EC2', '--max-rules', '10'],
      ['--port', 'https'],
      ['--ranges', path.join(FIXTURES, 'bad', 'host-bits.json'), '--json'],
      ['--format', 'iptables', '--ipv6'],
    ];
    for (const args of table) {
      const [fast, oclif] = await Promise.all([
        cli(['allowlist', ...args]),
        cli(['allowlist', ...args], { env: { NEPTUNE_NO_FAST_PATH: '1' } }),
      ]);
      expect({ args, code: fast.code, stdout: fast.stdout, stderr: fast.stderr }).toEqual({
        args,
        code: oclif.code,
        stdout: oclif.stdout,
        stderr: oclif.stderr,
      });
    }
  });
});
