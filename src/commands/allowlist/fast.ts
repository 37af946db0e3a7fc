/**
 * The start-up fast path of `neptune allowlist` (docs/decisions/0103-allowlist-start-up.md, 0003-launcher.md): the
 * launcher (src/launch.ts) hands a plain `neptune allowlist …` here before the full CLI is even loaded. Only argv
 * that this strict parser fully understands is run here, with exactly the values oclif would give; anything else
 * (help, unknown or repeated flags, bad values, subcommands, the network) returns undefined and goes to oclif,
 * which then reports it. A test runs a table of argv through both paths and compares stdout, stderr and exit code.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { CACHE_META_FILE, cacheDirOf, loadEmbedded } from '../../allowlist/embedded';
import { render } from '../../allowlist/render';
import { dirs } from '../../core/paths';
import { FORMAT_NAMES, selectionInput } from './io';
import type { AllowlistFlags } from './run';
import { parseMaxRules, parsePort } from './values';

type Kind = 'multi' | 'string' | 'boolean';
const FLAGS: Record<string, { kind: Kind; options?: readonly string[] }> = {
  region: { kind: 'multi' },
  service: { kind: 'multi' },
  'exclude-service': { kind: 'multi' },
  'network-border-group': { kind: 'multi' },
  ipv4: { kind: 'boolean' },
  ipv6: { kind: 'boolean' },
  format: { kind: 'string', options: FORMAT_NAMES },
  'max-rules': { kind: 'string' },
  lossy: { kind: 'boolean' },
  port: { kind: 'string' },
  direction: { kind: 'string', options: ['ingress', 'egress'] },
  name: { kind: 'string' },
  'terraform-resource': { kind: 'string', options: ['security-group', 'prefix-list'] },
  ranges: { kind: 'string' },
  json: { kind: 'boolean' },
  quiet: { kind: 'boolean' },
  color: { kind: 'boolean' },
  'no-color': { kind: 'boolean' },
};
const SHORT: Record<string, string> = {
  r: 'region',
  s: 'service',
  x: 'exclude-service',
  f: 'format',
  q: 'quiet',
};

/** The flags, or undefined when oclif should parse (and judge) this argv. */
export function parseFast(argv: readonly string[]): (AllowlistFlags & { json?: boolean }) | undefined {
  const values: Record<string, string | string[] | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    let name: string | undefined;
    let inline: string | undefined;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      inline = eq === -1 ? undefined : arg.slice(eq + 1);
    } else if (/^-[a-z]$/.test(arg)) {
      name = SHORT[arg.slice(1)];
    }
    const spec = name === undefined ? undefined : FLAGS[name];
    if (!spec || name === undefined) return undefined;
    if (spec.kind === 'boolean') {
      if (inline !== undefined || name in values) return undefined;
      values[name] = true;
      continue;
    }
    const value = inline ?? argv[++i];
    // A value that looks like a flag, an empty one, or a bad option: let oclif say what is wrong.
    if (value === undefined || value === '' || value.startsWith('-')) return undefined;
    if (spec.options && !spec.options.includes(value)) return undefined;
    if (spec.kind === 'multi') {
      const list = (values[name] as string[] | undefined) ?? [];
      list.push(value);
      values[name] = list;
    } else {
      if (name in values) return undefined;
      values[name] = value;
    }
  }
  if (values.ipv4 && values.ipv6) return undefined;
  if (values.lossy && values['max-rules'] === undefined) return undefined;
  if (values.color && values['no-color']) return undefined;
  if (typeof values.ranges === 'string' && /^[a-z][a-z0-9+.-]*:\/\//i.test(values.ranges)) return undefined;
  return {
    region: values.region as string[] | undefined,
    service: values.service as string[] | undefined,
    'exclude-service': values['exclude-service'] as string[] | undefined,
    'network-border-group': values['network-border-group'] as string[] | undefined,
    ipv4: values.ipv4 === true,
    ipv6: values.ipv6 === true,
    format: (values.format as string | undefined) ?? 'cidr',
    'max-rules': values['max-rules'] as string | undefined,
    lossy: values.lossy === true,
    port: values.port as string | undefined,
    direction: (values.direction as string | undefined) ?? 'ingress',
    name: (values.name as string | undefined) ?? 'aws-allowlist',
    'terraform-resource': (values['terraform-resource'] as string | undefined) ?? 'security-group',
    ranges: values.ranges as string | undefined,
    json: values.json === true,
  };
}

/**
 * What `neptune allowlist <argv>` prints, when this path can answer it; undefined hands the run to the full CLI,
 * which then answers it exactly as it would have anyway (errors, notices, --json, a cached snapshot included).
 */
export function fastAllowlist(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  if (env.NEPTUNE_NO_FAST_PATH === '1') return undefined;
  const flags = parseFast(argv);
  if (!flags || flags.json || flags.ranges !== undefined) return undefined;
  // A cache from `allowlist update` may be newer than the embedded snapshot: the full CLI weighs the two.
  if (existsSync(path.join(cacheDirOf(dirs(env).cache), CACHE_META_FILE))) return undefined;
  try {
    const rendered = render(loadEmbedded(), {
      ...selectionInput(flags),
      format: flags.format,
      maxRules: parseMaxRules(flags['max-rules']),
      lossy: flags.lossy,
      port: parsePort(flags.port),
      direction: flags.direction as 'ingress' | 'egress',
      name: flags.name,
      terraformResource: flags['terraform-resource'] as 'security-group' | 'prefix-list',
    });
    return rendered.notices.length === 0 ? rendered.text : undefined;
  } catch {
    return undefined;
  }
}
