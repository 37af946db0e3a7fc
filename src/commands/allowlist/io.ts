/**
 * What the allowlist commands hand the domain: parsed selection flags and the IO (cache dir, HTTP client made on
 * first use, warnings, TTY-only progress). No oclif import, so that the start-up fast path (fast.ts) can use it.
 */
import type { AllowlistIo } from '../../allowlist/index';
import type { Output } from '../../core/output';

// The names are listed here (not imported from the domain) so that --help does not load it; a unit test checks
// that they match src/allowlist/formats.
export const FORMAT_NAMES = [
  'cidr',
  'range',
  'json',
  'csv',
  'iptables',
  'ip6tables',
  'ipset',
  'nftables',
  'ufw',
  'nginx',
  'apache',
  'haproxy',
  'aws-sg',
  'terraform',
  'k8s',
] as const;

export interface SelectionFlagValues {
  region?: string[];
  service?: string[];
  'exclude-service'?: string[];
  'network-border-group'?: string[];
  ipv4?: boolean;
  ipv6?: boolean;
}

export function selectionInput(flags: SelectionFlagValues) {
  return {
    regions: flags.region,
    services: flags.service,
    excludeServices: flags['exclude-service'],
    networkBorderGroups: flags['network-border-group'],
    family: flags.ipv4 ? (4 as const) : flags.ipv6 ? (6 as const) : undefined,
  };
}

/** The IO the domain gets: the cache dir, an HTTP client made on first use, warnings and TTY-only progress. */
export async function allowlistIo(output: Output, userAgent: string, url?: string): Promise<AllowlistIo> {
  const { dirs } = await import('../../core/paths');
  let client: import('../../core/http').HttpClient | undefined;
  const env = process.env;
  return {
    cacheRoot: dirs(env).cache,
    url: url ?? (env.NEPTUNE_AWS_RANGES_URL || undefined),
    // undici is imported only when a run goes to the network (it costs tens of ms of start-up).
    http: async () => {
      const { HttpClient } = await import('../../core/http');
      client ??= new HttpClient({ userAgent, caFile: env.NEPTUNE_CA_FILE || undefined, env });
      return client;
    },
    close: async () => {
      await client?.close();
    },
    warn: (message) => output.warn(message),
    progress: async (text) => {
      // Progress only on a terminal: piped and CI runs get the result and nothing else.
      if (!output.spinnersAllowed) return { succeed: () => {}, fail: () => {} };
      const spinner = await output.spinner(text);
      return { succeed: (t) => spinner.succeed(t), fail: (t) => spinner.fail(t) };
    },
  };
}
