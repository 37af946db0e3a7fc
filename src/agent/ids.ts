/**
 * Action ids name files in the ledger and the spool: they are checked against the protocol's safe alphabet before
 * anything touches the disk, so a hostile id (`../../etc/passwd`) can never become a path.
 */
import { ACTION_ID_PATTERN } from '../api/agent-wire';
import { dataError } from '../core/errors';

const ACTION_ID = new RegExp(ACTION_ID_PATTERN);

export function isActionId(id: unknown): id is string {
  return typeof id === 'string' && ACTION_ID.test(id);
}

export function checkActionId(id: unknown): string {
  if (!isActionId(id)) {
    throw dataError('AGENT_BAD_ACTION_ID', `invalid action id ${JSON.stringify(String(id)).slice(0, 80)}`, {
      hint: 'action ids are 1-64 letters, digits, dash or underscore (a UUID fits)',
    });
  }
  return id;
}
