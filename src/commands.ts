/**
 * The explicit command map (oclif "explicit" discovery, so the CLI bundles into one file). Ids use ':' inside,
 * users type a space: `neptune allowlist check`. A topic appears here only when its commands work.
 */
import type { Command } from '@oclif/core';
import ActionsCancel from './commands/actions/cancel';
import ActionsList from './commands/actions/list';
import ActionsLogs from './commands/actions/logs';
import ActionsShow from './commands/actions/show';
import AgentEnroll from './commands/agent/enroll';
import AgentInstall from './commands/agent/install';
import AgentStart from './commands/agent/start';
import AgentStatus from './commands/agent/status';
import AgentUninstall from './commands/agent/uninstall';
import AlertsList from './commands/alerts/list';
import AlertsSecret from './commands/alerts/secret';
import AlertsSend from './commands/alerts/send';
import AllowlistCheck from './commands/allowlist/check';
import AllowlistDiff from './commands/allowlist/diff';
import Allowlist from './commands/allowlist/index';
import AllowlistUpdate from './commands/allowlist/update';
import ApikeysCreate from './commands/apikeys/create';
import ApikeysList from './commands/apikeys/list';
import ApikeysRevoke from './commands/apikeys/revoke';
import ApikeysRotate from './commands/apikeys/rotate';
import AuditExport from './commands/audit/export';
import AuditList from './commands/audit/list';
import AuditVerify from './commands/audit/verify';
import Autocomplete from './commands/autocomplete';
import HostsList from './commands/hosts/list';
import HostsRevoke from './commands/hosts/revoke';
import HostsShow from './commands/hosts/show';
import HostsTokenCreate from './commands/hosts/token/create';
import Login from './commands/login';
import Logout from './commands/logout';
import MaintenanceOff from './commands/maintenance/off';
import MaintenanceOn from './commands/maintenance/on';
import ProfilesList from './commands/profiles/list';
import ProfilesRemove from './commands/profiles/remove';
import ProfilesUse from './commands/profiles/use';
import RulesApply from './commands/rules/apply';
import RulesDelete from './commands/rules/delete';
import RulesEnable from './commands/rules/enable';
import RulesExport from './commands/rules/export';
import RulesList from './commands/rules/list';
import Run from './commands/run';
import RunbookKeygen from './commands/runbook/keygen';
import RunbookLint from './commands/runbook/lint';
import RunbookNew from './commands/runbook/new';
import RunbookPush from './commands/runbook/push';
import RunbookSign from './commands/runbook/sign';
import RunbookVerify from './commands/runbook/verify';
import ServerBackup from './commands/server/backup';
import ServerInit from './commands/server/init';
import ServerRestore from './commands/server/restore';
import ServerStart from './commands/server/start';
import SettingsSet from './commands/settings/set';
import SettingsShow from './commands/settings/show';
import SlaClaim from './commands/sla/claim';
import UsersInvite from './commands/users/invite';
import UsersList from './commands/users/list';
import UsersRemove from './commands/users/remove';
import UsersSetRole from './commands/users/set-role';
import Whoami from './commands/whoami';

export const COMMANDS: Record<string, Command.Class> = {
  'actions:cancel': ActionsCancel,
  'actions:list': ActionsList,
  'actions:logs': ActionsLogs,
  'actions:show': ActionsShow,
  'agent:enroll': AgentEnroll,
  'agent:install': AgentInstall,
  'agent:start': AgentStart,
  'agent:status': AgentStatus,
  'agent:uninstall': AgentUninstall,
  'alerts:list': AlertsList,
  'alerts:secret': AlertsSecret,
  'alerts:send': AlertsSend,
  allowlist: Allowlist,
  'allowlist:check': AllowlistCheck,
  'allowlist:diff': AllowlistDiff,
  'allowlist:update': AllowlistUpdate,
  'apikeys:create': ApikeysCreate,
  'apikeys:list': ApikeysList,
  'apikeys:revoke': ApikeysRevoke,
  'apikeys:rotate': ApikeysRotate,
  'audit:export': AuditExport,
  'audit:list': AuditList,
  'audit:verify': AuditVerify,
  autocomplete: Autocomplete,
  'hosts:list': HostsList,
  'hosts:revoke': HostsRevoke,
  'hosts:show': HostsShow,
  'hosts:token:create': HostsTokenCreate,
  login: Login,
  logout: Logout,
  'maintenance:off': MaintenanceOff,
  'maintenance:on': MaintenanceOn,
  'profiles:list': ProfilesList,
  'profiles:remove': ProfilesRemove,
  'profiles:use': ProfilesUse,
  'rules:apply': RulesApply,
  'rules:delete': RulesDelete,
  'rules:enable': RulesEnable,
  'rules:export': RulesExport,
  'rules:list': RulesList,
  run: Run,
  'runbook:keygen': RunbookKeygen,
  'runbook:lint': RunbookLint,
  'runbook:new': RunbookNew,
  'runbook:push': RunbookPush,
  'runbook:sign': RunbookSign,
  'runbook:verify': RunbookVerify,
  'server:backup': ServerBackup,
  'server:init': ServerInit,
  'server:restore': ServerRestore,
  'server:start': ServerStart,
  'settings:set': SettingsSet,
  'settings:show': SettingsShow,
  'sla:claim': SlaClaim,
  'users:invite': UsersInvite,
  'users:list': UsersList,
  'users:remove': UsersRemove,
  'users:set-role': UsersSetRole,
  whoami: Whoami,
};
