/**
 * Flags and IO shared by the allowlist commands. Kept free of domain imports so that --help stays fast: the
 * domain (src/allowlist) is imported inside run().
 */
import { Flags } from '@oclif/core';
import type { AllowlistIo } from '../../allowlist/index';
import type { Output } from '../../core/output';

export const selectionFlags = {
  region: Flags.string({
    char: 'r',
    multiple: true,
    description: 'AWS region, repeatable; globs such as "us-*" (default: all regions, including GLOBAL).',
    helpGroup: 'SELECTION',
  }),
  service: Flags.string({
    char: 's',
    multiple: true,
    description: 'Service, repeatable; globs allowed (default: AMAZON, i.e. every published address).',
    helpGroup: 'SELECTION',
  }),
  'exclude-service': Flags.string({
    char: 'x',
    multiple: true,
    description: 'Remove the address space of this service (in every region), repeatable: AMAZON minus EC2.',
    helpGroup: 'SELECTION',
  }),
  'network-border-group': Flags.string({
    multiple: true,
    description: 'Network border group, repeatable; globs allowed (e.g. us-east-1-bos-1).',
    helpGroup: 'SELECTION',
  }),
  ipv4: Flags.boolean({ description: 'IPv4 only.', exclusive: ['ipv6'], helpGroup: 'SELECTION' }),
  ipv6: Flags.boolean({ description: 'IPv6 only.', exclusive: ['ipv4'], helpGroup: 'SELECTION' }),
};

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
