/**
 * The output of `neptune allowlist --format F` is checked by the real tool that reads it, where Debian packages
 * one: iptables-restore/ip6tables-restore --test, nft -c -f, ipset restore (in a throwaway network namespace: ipset
 * has no dry run), nginx -t, apache2 -t, haproxy -c, ufw --dry-run. A test whose tool is missing, or cannot run in
 * this sandbox (no root or netfilter), is skipped and prints why. Each checker is first shown to reject a broken
 * file, so that a pass means something.
 *
 * CI installs them with: apt-get install -y --no-install-recommends iptables nftables ipset nginx apache2-bin
 * haproxy ufw
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { runCli, tempHome } from './helpers/cli';

const dir = mkdtempSync(path.join(os.tmpdir(), 'neptune-allowlist-syntax-'));
const home = tempHome();
/** A real, sizeable selection in both families: EC2 in us-east-1 (hundreds of prefixes). */
const SELECTION = ['--service', 'EC2', '--region', 'us-east-1'];

async function generate(args: string[]): Promise<string> {
  const r = await runCli(['allowlist', ...SELECTION, ...args], { home });
  expect(r.stderr).not.toMatch(/error|warning/);
  expect(r.code).toBe(0);
  return r.stdout;
}

function which(tool: string): string | undefined {
  for (const d of ['/usr/sbin', '/usr/bin', '/sbin', '/bin', ...(process.env.PATH ?? '').split(':')]) {
    const r = spawnSync('test', ['-x', path.join(d, tool)]);
    if (r.status === 0) return path.join(d, tool);
  }
  return undefined;
}

interface Run {
  status: number | null;
  output: string;
}

function run(cmd: string, args: string[], input?: string): Run {
  const r = spawnSync(cmd, args, { encoding: 'utf8', input, timeout: 60_000 });
  return { status: r.status, output: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
}

const SANDBOX =
  /permission denied|operation not permitted|must be run as root|can't initialize|could not fetch rule set|you must be root|cannot open netlink|protocol not supported|unshare failed/i;

/** Skips the test, printing why, when the tool is missing or cannot run here. */
function need(ctx: TestContext, tool: string, probe?: () => Run): string {
  const bin = which(tool);
  let reason: string | undefined;
  if (!bin) reason = `${tool} is not installed (Debian package; see the header of this file)`;
  else if (probe) {
    const r = probe();
    if (r.status !== 0 && SANDBOX.test(r.output))
      reason = `${tool} cannot run in this sandbox: ${r.output.trim().split('\n')[0]}`;
  }
  if (reason) {
    console.log(`skipped: ${reason}`);
    ctx.skip(reason);
  }
  return bin!;
}

function file(name: string, text: string): string {
  const f = path.join(dir, name);
  writeFileSync(f, text);
  return f;
}

/** The same text with its first IPv4 prefix made invalid (/33): every checker must reject it. */
function broken(text: string): string {
  return text.replace(/\b(\d+\.\d+\.\d+\.\d+)\/\d+/, '$1/33');
}

let outputs: Record<string, string>;

beforeAll(async () => {
  const variants: Record<string, string[]> = {
    iptables: ['--format', 'iptables'],
    'iptables-egress': ['--format', 'iptables', '--direction', 'egress', '--port', '443'],
    ip6tables: ['--format', 'ip6tables', '--port', '443'],
    nftables: ['--format', 'nftables'],
    'nftables-egress': ['--format', 'nftables', '--direction', 'egress', '--port', '443'],
    'nftables-ipv6': ['--format', 'nftables', '--ipv6'],
    ipset: ['--format', 'ipset'],
    nginx: ['--format', 'nginx'],
    apache: ['--format', 'apache'],
    haproxy: ['--format', 'haproxy'],
    ufw: ['--format', 'ufw', '--port', '443'],
    'ufw-egress': ['--format', 'ufw', '--direction', 'egress'],
    k8s: ['--format', 'k8s', '--port', '443'],
    'aws-sg': ['--format', 'aws-sg'],
  };
  const entries = await Promise.all(
    Object.entries(variants).map(async ([name, args]) => [name, await generate(args)] as const),
  );
  outputs = Object.fromEntries(entries);
}, 180_000);

// Runs a command in a fresh network namespace when possible, so that nothing can touch the host's firewall.
const unshareWorks = () => run('unshare', ['--net', 'true']).status === 0;
const inNetns = (cmd: string, args: string[]): [string, string[]] =>
  unshareWorks() ? ['unshare', ['--net', cmd, ...args]] : [cmd, args];

describe('firewall syntax, checked by the real tools', { timeout: 120_000 }, () => {
  for (const [tool, variant] of [
    ['iptables-restore', 'iptables'],
    ['iptables-restore', 'iptables-egress'],
    ['ip6tables-restore', 'ip6tables'],
  ] as const) {
    it(`${tool} --test accepts --format ${variant}`, (ctx) => {
      const check = (text: string) =>
        run(...inNetns(need(ctx, tool), ['--test', file(`${variant}.rules`, text)]));
      need(ctx, tool, () => check('*filter\nCOMMIT\n'));
      if (tool === 'ip6tables-restore') {
        expect(check(outputs[variant]!.replace(/(\s-s )([0-9a-f:]+)\/\d+/, '$1$2/129')).status).not.toBe(0);
      } else {
        expect(check(broken(outputs[variant]!)).status).not.toBe(0);
      }
      const r = check(outputs[variant]!);
      expect(r.output).toBe('');
      expect(r.status).toBe(0);
    });
  }

  for (const variant of ['nftables', 'nftables-egress', 'nftables-ipv6']) {
    it(`nft -c -f accepts --format ${variant}`, (ctx) => {
      const check = (text: string) =>
        run(...inNetns(need(ctx, 'nft'), ['-c', '-f', file(`${variant}.nft`, text)]));
      need(ctx, 'nft', () => check('table inet t {\n}\n'));
      const bad =
        variant === 'nftables-ipv6'
          ? outputs[variant]!.replace(/(\t\t\t[0-9a-f:]+)\/\d+/, '$1/129')
          : broken(outputs[variant]!);
      expect(check(bad).status).not.toBe(0);
      const r = check(outputs[variant]!);
      expect(r.output).toBe('');
      expect(r.status).toBe(0);
    });
  }

  it('ipset restore loads --format ipset (into a throwaway network namespace)', (ctx) => {
    const ipset = need(ctx, 'ipset');
    if (!unshareWorks()) {
      const reason = 'ipset has no dry run, and unshare --net is not permitted here to load it harmlessly';
      console.log(`skipped: ${reason}`);
      ctx.skip(reason);
    }
    // Load, then list the sets' sizes: the counts must be those of the output.
    const check = (text: string) =>
      run('unshare', [
        '--net',
        'sh',
        '-c',
        `"${ipset}" restore -f "$1" && "${ipset}" list -t`,
        'sh',
        file('allowlist.ipset', text),
      ]);
    need(ctx, 'ipset', () => check('create probe hash:net family inet\n'));
    expect(check(broken(outputs.ipset!)).status).not.toBe(0);
    const r = check(outputs.ipset!);
    expect(r.status, r.output).toBe(0);
    const adds = (family: string) =>
      outputs.ipset!.split('\n').filter((l) => l.startsWith(`add aws-allowlist-${family} `)).length;
    const entries = [...r.output.matchAll(/Number of entries: (\d+)/g)].map((m) => Number(m[1]));
    expect(entries).toEqual([adds('4'), adds('6')]);
    expect(adds('4')).toBeGreaterThan(100);
  });

  it('nginx -t accepts --format nginx inside a location', (ctx) => {
    const nginx = need(ctx, 'nginx');
    const conf = (include: string) =>
      file(
        'nginx.conf',
        `pid ${dir}/nginx.pid;\nerror_log stderr;\nevents {}\nhttp {\n  access_log off;\n  server {\n    listen 127.0.0.1:18098;\n    location / {\n      include ${include};\n    }\n  }\n}\n`,
      );
    const check = (text: string) =>
      run(nginx, ['-t', '-q', '-p', dir, '-e', 'stderr', '-c', conf(file('allow-nginx.conf', text))]);
    need(ctx, 'nginx', () => check('deny all;\n'));
    expect(check(broken(outputs.nginx!)).status).not.toBe(0);
    const r = check(outputs.nginx!);
    expect(r.status, r.output).toBe(0);
  });

  it('apache2 -t accepts --format apache inside a Location', (ctx) => {
    const apache = need(ctx, 'apache2');
    const modules = '/usr/lib/apache2/modules';
    const conf = (include: string) =>
      file(
        'httpd.conf',
        [
          `ServerRoot ${dir}`,
          'ServerName localhost',
          `DefaultRuntimeDir ${dir}`,
          `PidFile ${dir}/httpd.pid`,
          `LoadModule mpm_event_module ${modules}/mod_mpm_event.so`,
          `LoadModule authz_core_module ${modules}/mod_authz_core.so`,
          `LoadModule authz_host_module ${modules}/mod_authz_host.so`,
          'Listen 127.0.0.1:18099',
          'ErrorLog /dev/stderr',
          '<Location />',
          `Include ${include}`,
          '</Location>',
          '',
        ].join('\n'),
      );
    const check = (text: string) => run(apache, ['-t', '-f', conf(file('allow-apache.conf', text))]);
    need(ctx, 'apache2', () => check('Require all denied\n'));
    expect(check(broken(outputs.apache!)).status).not.toBe(0);
    const r = check(outputs.apache!);
    expect(r.status, r.output).toBe(0);
    expect(r.output).toContain('Syntax OK');
  });

  it('haproxy -c accepts --format haproxy as an ACL file', (ctx) => {
    const haproxy = need(ctx, 'haproxy');
    const check = (text: string) => {
      const acl = file('aws.lst', text);
      const cfg = file(
        'haproxy.cfg',
        [
          'defaults',
          '  mode http',
          '  timeout connect 1s',
          '  timeout client 1s',
          '  timeout server 1s',
          'frontend fe',
          '  bind 127.0.0.1:18097',
          `  acl aws_allowlist src -f ${acl}`,
          '  http-request deny if !aws_allowlist',
          '  default_backend be',
          'backend be',
          '  server s1 127.0.0.1:1',
          '',
        ].join('\n'),
      );
      return run(haproxy, ['-c', '-q', '-f', cfg]);
    };
    need(ctx, 'haproxy', () => check('# empty\n'));
    expect(check(broken(outputs.haproxy!)).status).not.toBe(0);
    const r = check(outputs.haproxy!);
    expect(r.status, r.output).toBe(0);
  });

  it('ufw --dry-run accepts the commands of --format ufw (a sample of each kind)', (ctx) => {
    const ufw = need(ctx, 'ufw', () => run('ufw', ['--dry-run', 'allow', 'from', '192.0.2.0/24']));
    const sample = (text: string) => {
      const lines = text.split('\n').filter((l) => l.startsWith('ufw '));
      const v4 = lines.filter((l) => /\d+\.\d+\.\d+\.\d+\//.test(l));
      const v6 = lines.filter((l) => /[0-9a-f]+:[0-9a-f:]*\//.test(l));
      return [...v4.slice(0, 2), ...v6.slice(0, 2)];
    };
    const check = (line: string) => run(ufw, ['--dry-run', ...line.split(' ').slice(1)]);
    // ufw accepts a prefix with host bits only with a warning: a prefix length above the family's is an error.
    expect(check('ufw allow from 192.0.2.0/33').output).toMatch(/ERROR|Bad source address/i);
    for (const variant of ['ufw', 'ufw-egress']) {
      const lines = sample(outputs[variant]!);
      expect(lines).toHaveLength(4);
      for (const line of lines) {
        const r = check(line);
        expect(r.status, `${line}\n${r.output}`).toBe(0);
        expect(r.output, line).not.toMatch(/ERROR|WARN/);
      }
    }
    // The script itself is valid sh.
    expect(run('sh', ['-n', file('ufw.sh', outputs.ufw!)]).status).toBe(0);
  });

  it('k8s is one NetworkPolicy whose ipBlocks are exactly the prefixes (no Debian tool: parsed as YAML)', async () => {
    const doc = parseYaml(outputs.k8s!) as {
      kind: string;
      spec: { ingress: { from: { ipBlock: { cidr: string } }[]; ports: { port: number }[] }[] };
    };
    expect(doc.kind).toBe('NetworkPolicy');
    const cidrs = doc.spec.ingress[0]!.from.map((p) => p.ipBlock.cidr);
    const plain = await generate([]);
    expect(cidrs).toEqual(plain.trim().split('\n'));
    expect(doc.spec.ingress[0]!.ports).toEqual([{ protocol: 'TCP', port: 443 }]);
  });

  it('aws-sg groups hold at most 60 rules per family and together exactly the prefixes (no Debian tool: JSON)', async () => {
    const doc = JSON.parse(outputs['aws-sg']!) as {
      groups: { IpPermissions: { IpRanges: { CidrIp: string }[]; Ipv6Ranges: { CidrIpv6: string }[] }[] }[];
    };
    const v4 = doc.groups.flatMap((g) => g.IpPermissions[0]!.IpRanges.map((r) => r.CidrIp));
    const v6 = doc.groups.flatMap((g) => g.IpPermissions[0]!.Ipv6Ranges.map((r) => r.CidrIpv6));
    for (const g of doc.groups) {
      expect(g.IpPermissions[0]!.IpRanges.length).toBeLessThanOrEqual(60);
      expect(g.IpPermissions[0]!.Ipv6Ranges.length).toBeLessThanOrEqual(60);
    }
    const plain = await generate([]);
    expect([...v4, ...v6]).toEqual(plain.trim().split('\n'));
    expect(doc.groups.length).toBe(Math.ceil(Math.max(v4.length, v6.length) / 60));
  });
});
