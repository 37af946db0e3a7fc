/**
 * The explicit command map (oclif "explicit" discovery, so the CLI bundles into one file). Ids use ':' inside,
 * users type a space: `neptune allowlist check`. A topic appears here only when its commands work.
 */
import type { Command } from '@oclif/core';
import AllowlistCheck from './commands/allowlist/check';
import AllowlistDiff from './commands/allowlist/diff';
import Allowlist from './commands/allowlist/index';
import AllowlistUpdate from './commands/allowlist/update';
import Autocomplete from './commands/autocomplete';

export const COMMANDS: Record<string, Command.Class> = {
  allowlist: Allowlist,
  'allowlist:check': AllowlistCheck,
  'allowlist:diff': AllowlistDiff,
  'allowlist:update': AllowlistUpdate,
  autocomplete: Autocomplete,
};
