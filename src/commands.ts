/**
 * The explicit command map (oclif "explicit" discovery, so the CLI bundles into one file). Ids use ':' inside,
 * users type a space: `neptune allowlist check`. A topic appears here only when its commands work.
 */
import type { Command } from '@oclif/core';
import AuditVerify from './commands/audit/verify';
import AgentInstall from './commands/agent/install';
import AgentStatus from './commands/agent/status';
import AgentUninstall from './commands/agent/uninstall';
import AllowlistCheck from './commands/allowlist/check';
import AllowlistDiff from './commands/allowlist/diff';
import Allowlist from './commands/allowlist/index';
import AllowlistUpdate from './commands/allowlist/update';
import Autocomplete from './commands/autocomplete';
import RunbookKeygen from './commands/runbook/keygen';
import RunbookSign from './commands/runbook/sign';
import RunbookVerify from './commands/runbook/verify';
import SlaClaim from './commands/sla/claim';
import RunbookLint from './commands/runbook/lint';
import RunbookNew from './commands/runbook/new';

export const COMMANDS: Record<string, Command.Class> = {
  'audit:verify': AuditVerify,
  'agent:install': AgentInstall,
  'agent:status': AgentStatus,
  'agent:uninstall': AgentUninstall,
  allowlist: Allowlist,
  'allowlist:check': AllowlistCheck,
  'allowlist:diff': AllowlistDiff,
  'allowlist:update': AllowlistUpdate,
  autocomplete: Autocomplete,
  'runbook:keygen': RunbookKeygen,
  'runbook:sign': RunbookSign,
  'runbook:verify': RunbookVerify,
  'sla:claim': SlaClaim,
  'runbook:lint': RunbookLint,
  'runbook:new': RunbookNew,
};
