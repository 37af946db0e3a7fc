/**
 * The explicit command map (oclif "explicit" discovery, so the CLI bundles into one file). Ids use ':' inside,
 * users type a space: `neptune allowlist check`. A topic appears here only when its commands work.
 */
import type { Command } from '@oclif/core';
import Autocomplete from './commands/autocomplete';
import RunbookLint from './commands/runbook/lint';
import RunbookNew from './commands/runbook/new';

export const COMMANDS: Record<string, Command.Class> = {
  autocomplete: Autocomplete,
  'runbook:lint': RunbookLint,
  'runbook:new': RunbookNew,
};
