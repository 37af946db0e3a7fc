/**
 * The agent's state directory (default /var/lib/neptune, 0700, owned by the agent's user): everything the agent
 * must remember across restarts, and nothing else.
 *
 *   identity.json   who this agent is (agent id, API URL), written by `agent enroll`
 *   agent.key       the Ed25519 private key, 0600, never leaves the host
 *   status.json     what the running daemon last did (pid, last poll), for `agent status`
 *   agent.pid       the daemon's pid and /proc start time while it runs
 *   ledger/         one file per action id (src/agent/ledger.ts)
 *   spool/          results waiting for upload (src/agent/spool.ts)
 *   work/           private per-action directories of running runbooks
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { configError } from '../core/errors';
import { ensurePrivateDir, writeDurable } from './durable';
import { isoTime } from './iso-time';

export const DEFAULT_STATE_DIR = '/var/lib/neptune';

export interface StatePaths {
  root: string;
  identity: string;
  key: string;
  status: string;
  pid: string;
  ledger: string;
  spool: string;
  work: string;
}

export function statePaths(root: string): StatePaths {
  const dir = path.resolve(root);
  return {
    root: dir,
    identity: path.join(dir, 'identity.json'),
    key: path.join(dir, 'agent.key'),
    status: path.join(dir, 'status.json'),
    pid: path.join(dir, 'agent.pid'),
    ledger: path.join(dir, 'ledger'),
    spool: path.join(dir, 'spool'),
    work: path.join(dir, 'work'),
  };
}

/** Creates the state dir and its subdirectories, 0700. A state dir others can write to is refused (exit 78). */
export async function prepareStateDir(root: string): Promise<StatePaths> {
  const paths = statePaths(root);
  try {
    await ensurePrivateDir(paths.root);
    for (const dir of [paths.ledger, paths.spool, paths.work]) await ensurePrivateDir(dir);
  } catch (error) {
    throw configError(
      'AGENT_STATE_DIR',
      `cannot prepare the state dir ${paths.root}: ${(error as Error).message}`,
      {
        hint: 'pass --state-dir (or NEPTUNE_STATE_DIR) with a directory the agent user owns',
        cause: error,
      },
    );
  }
  const info = await stat(paths.root);
  const uid = process.getuid?.();
  if (uid !== undefined && info.uid !== uid) {
    throw configError(
      'AGENT_STATE_DIR_OWNER',
      `${paths.root} belongs to uid ${info.uid}, not to the agent (uid ${uid})`,
      {
        hint: `chown the state dir to the agent's user, or run the agent as its owner`,
      },
    );
  }
  return paths;
}

/** What the running daemon reports about itself (written by the poll loop, read by `agent status`). */
export interface DaemonStatus {
  pid: number;
  startedAt: string;
  version: string;
  /** The last poll that the server answered. */
  lastPollAt: string | null;
  connected: boolean;
  lastError: string | null;
  draining: boolean;
}

export async function writeDaemonStatus(paths: StatePaths, status: DaemonStatus): Promise<void> {
  await writeDurable(paths.status, `${JSON.stringify(status, null, 2)}\n`);
}

export async function readJsonFile<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** The running daemon's pid file: pid + /proc start time, so a stale file (pid reused) is recognised. */
export interface PidFile {
  pid: number;
  pidStartTime: string | null;
  startedAt: string;
}

export async function writePidFile(paths: StatePaths, now = new Date()): Promise<void> {
  const { processStartTime } = await import('./process-group');
  const record: PidFile = {
    pid: process.pid,
    pidStartTime: processStartTime(process.pid) ?? null,
    startedAt: isoTime(now),
  };
  await writeDurable(paths.pid, `${JSON.stringify(record)}\n`);
}

/** The enrolled identity (written by `agent enroll`). */
export interface Identity {
  agentId: string;
  accountId: string;
  apiUrl: string;
  hostname: string;
  enrolledAt: string;
}
