/**
 * run_as: a runbook may ask to run as another user, and it does only when the host's policy allows that user
 * (src/core/run-as.ts: the one policy, shared with the signed-runbook trust check) AND the agent can switch users
 * (it runs as root). The server cannot widen this: the list lives on the host. Everything else is refused with
 * `run_as_refused` before any process starts.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import { runAsPermitted } from '../core/run-as';
import type { RunUser } from './env';

export interface PasswdEntry extends RunUser {
  uid: number;
  gid: number;
}

/** Looks a user up by name: `getent passwd` (so NSS, LDAP and sssd users count), else /etc/passwd. */
export type UserLookup = (name: string) => Promise<PasswdEntry | undefined>;

export function parsePasswdLine(line: string): PasswdEntry | undefined {
  const fields = line.trim().split(':');
  if (fields.length < 7) return undefined;
  const [name, , uid, gid, , home, shell] = fields;
  if (!name || !/^\d+$/.test(uid ?? '') || !/^\d+$/.test(gid ?? '')) return undefined;
  return { name, uid: Number(uid), gid: Number(gid), home: home || '/', shell: shell || '/bin/sh' };
}

export const lookupUser: UserLookup = async (name) => {
  if (!/^[A-Za-z_][A-Za-z0-9_.-]{0,31}\$?$/.test(name)) return undefined;
  const viaGetent = await new Promise<string | undefined>((resolve) => {
    execFile('getent', ['passwd', name], { timeout: 5000 }, (error, stdout) =>
      resolve(error ? undefined : stdout),
    );
  });
  if (viaGetent !== undefined) return parsePasswdLine(viaGetent.split('\n')[0] ?? '');
  const passwd = await readFile('/etc/passwd', 'utf8').catch(() => '');
  for (const line of passwd.split('\n')) {
    const entry = parsePasswdLine(line);
    if (entry?.name === name) return entry;
  }
  return undefined;
};

/** The user the agent itself runs as. */
export function agentUser(): PasswdEntry {
  const info = os.userInfo();
  return {
    name: info.username,
    uid: info.uid,
    gid: info.gid,
    home: info.homedir || '/',
    shell: info.shell || '/bin/sh',
  };
}

export type RunAsDecision =
  /** Run as the agent's own user: no switch. */
  | { ok: true; switchTo: undefined; user: PasswdEntry }
  | { ok: true; switchTo: PasswdEntry; user: PasswdEntry }
  | { ok: false; message: string };

export async function decideRunAs({
  requested,
  allowed,
  self = agentUser(),
  lookup = lookupUser,
}: {
  requested: string | null | undefined;
  /** The host's allow-run-as list. */
  allowed: readonly string[];
  self?: PasswdEntry;
  lookup?: UserLookup;
}): Promise<RunAsDecision> {
  if (!requested) return { ok: true, switchTo: undefined, user: self };
  const permitted = runAsPermitted(requested, allowed, self.name);
  if (!permitted.ok) return { ok: false, message: permitted.reason };
  if (requested === self.name) return { ok: true, switchTo: undefined, user: self };
  if (self.uid !== 0) {
    return {
      ok: false,
      message: `run_as ${requested} is allowed, but the agent runs as ${self.name} and cannot switch users (it must run as root)`,
    };
  }
  const target = await lookup(requested);
  if (!target) return { ok: false, message: `run_as ${requested}: no such user on this host` };
  return { ok: true, switchTo: target, user: target };
}
