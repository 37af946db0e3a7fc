/** Flags shared by the commands that talk to the service, and how they open a session. */
import { Flags } from '@oclif/core';
import type { Output } from '../core/output';

export const sessionFlags = {
  profile: Flags.string({
    description: 'Profile to use (default: NEPTUNE_PROFILE, else the current profile).',
    helpGroup: 'SESSION',
  }),
  'api-url': Flags.string({
    description: 'URL of the neptune server (default: NEPTUNE_API_URL, else the profile).',
    helpGroup: 'SESSION',
  }),
  'ca-file': Flags.string({
    description: 'PEM file of a CA to trust, e.g. the private CA of server init (default: NEPTUNE_CA_FILE).',
    helpGroup: 'SESSION',
  }),
};

export interface SessionFlagValues {
  profile?: string;
  'api-url'?: string;
  'ca-file'?: string;
}

/** Opens the session of a command (lazily: the client modules load only when a command runs). */
export async function commandSession(flags: SessionFlagValues, output: Output, version: string) {
  const { openSession } = await import('./session');
  return openSession({
    flags: { profile: flags.profile, apiUrl: flags['api-url'], caFile: flags['ca-file'] },
    userAgent: `neptune/${version}`,
    warn: (message) => output.warnOnce('credentials-file', message),
  });
}

/** Plain columns for human output (no colour needed to read it). */
export function table(rows: string[][], headers: string[]): string {
  const all = [headers, ...rows];
  const widths = headers.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return all
    .map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  '))
    .join('\n');
}
