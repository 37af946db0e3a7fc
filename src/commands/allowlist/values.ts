/** The allowlist flags whose values are checked beyond oclif's parser: --port and --max-rules. */
import { usageError } from '../../core/errors';

export function parsePort(text: string | undefined): number | 'all' | undefined {
  if (text === undefined) return undefined;
  if (text === 'all') return 'all';
  if (/^[1-9][0-9]{0,4}$/.test(text) && Number(text) <= 65535) return Number(text);
  throw usageError('ALLOWLIST_BAD_PORT', `--port ${JSON.stringify(text)} is not a TCP port`, {
    hint: 'give a number from 1 to 65535, or "all"',
  });
}

export function parseMaxRules(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (/^[1-9][0-9]{0,5}$/.test(text)) return Number(text);
  throw usageError(
    'ALLOWLIST_BAD_MAX_RULES',
    `--max-rules ${JSON.stringify(text)} is not a positive number`,
    {
      hint: 'give the rule limit per family, e.g. --max-rules 60 (AWS security groups allow 60 by default)',
    },
  );
}
