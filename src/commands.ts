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
import ApikeysCreate from './commands/apikeys/create';
import ApikeysList from './commands/apikeys/list';
import ApikeysRevoke from './commands/apikeys/revoke';
import ApikeysRotate from './commands/apikeys/rotate';
import Autocomplete from './commands/autocomplete';
import Login from './commands/login';
import Logout from './commands/logout';
import ProfilesList from './commands/profiles/list';
import ProfilesRemove from './commands/profiles/remove';
import ProfilesUse from './commands/profiles/use';
import ServerBackup from './commands/server/backup';
import ServerInit from './commands/server/init';
import ServerRestore from './commands/server/restore';
import ServerStart from './commands/server/start';
import UsersInvite from './commands/users/invite';
import UsersList from './commands/users/list';
import UsersRemove from './commands/users/remove';
import UsersSetRole from './commands/users/set-role';
import Whoami from './commands/whoami';

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
  // server and account management (src/server, src/client)
  'apikeys:create': ApikeysCreate,
  'apikeys:list': ApikeysList,
  'apikeys:revoke': ApikeysRevoke,
  'apikeys:rotate': ApikeysRotate,
  login: Login,
  logout: Logout,
  'profiles:list': ProfilesList,
  'profiles:remove': ProfilesRemove,
  'profiles:use': ProfilesUse,
  'server:backup': ServerBackup,
  'server:init': ServerInit,
  'server:restore': ServerRestore,
  'server:start': ServerStart,
  'users:invite': UsersInvite,
  'users:list': UsersList,
  'users:remove': UsersRemove,
  'users:set-role': UsersSetRole,
  whoami: Whoami,
};
