/**
 * `neptune agent status`: what the local state says, read from the state dir alone (no network, no socket):
 * enrolled or not, whether the daemon runs (pid file checked against /proc), its last poll, the actions it is
 * running, and what waits in the spool.
 */
import { readdir, stat } from 'node:fs/promises';
import { inputMissing } from '../core/errors';
import type { LedgerEntry } from './ledger';
import { processStartTime } from './process-group';
import { spoolUsage } from './spool';
import { type DaemonStatus, type Identity, type PidFile, readJsonFile, statePaths } from './state';

export interface AgentStatus {
  stateDir: string;
  exists: boolean;
  enrolled: boolean;
  agent: { id: string; apiUrl: string; hostname: string; enrolledAt: string; allowUnsigned: boolean } | null;
  daemon: {
    running: boolean;
    pid: number | null;
    startedAt: string | null;
    lastPollAt: string | null;
    connected: boolean;
    draining: boolean;
    lastError: string | null;
  };
  /** Ledger entries not yet finished. When the daemon is not running they will be reported interrupted. */
  running: { actionId: string; state: string; startedAt: string | null; runbook: string | null }[];
  ledger: { entries: number };
  spool: { actions: number; chunks: number; bytes: number };
}

export async function readAgentStatus(stateDir: string): Promise<AgentStatus> {
  const paths = statePaths(stateDir);
  const unreadable = () =>
    inputMissing('AGENT_STATE_UNREADABLE', `${paths.root}: permission denied`, {
      hint: 'run as root or as the agent user (the state dir is private, mode 0700)',
    });
  const info = await stat(paths.root).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    if (error.code === 'EACCES') throw unreadable();
    throw error;
  });
  const empty: AgentStatus = {
    stateDir: paths.root,
    exists: false,
    enrolled: false,
    agent: null,
    daemon: {
      running: false,
      pid: null,
      startedAt: null,
      lastPollAt: null,
      connected: false,
      draining: false,
      lastError: null,
    },
    running: [],
    ledger: { entries: 0 },
    spool: { actions: 0, chunks: 0, bytes: 0 },
  };
  if (!info) return empty;
  try {
    await readdir(paths.root);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EACCES') throw unreadable();
    throw error;
  }

  const identity = await readJsonFile<Identity>(paths.identity);
  const pidFile = await readJsonFile<PidFile>(paths.pid);
  const daemon = await readJsonFile<DaemonStatus>(paths.status);
  const alive =
    pidFile !== undefined &&
    Number.isInteger(pidFile.pid) &&
    pidFile.pidStartTime !== null &&
    processStartTime(pidFile.pid) === pidFile.pidStartTime;

  const entries: LedgerEntry[] = [];
  for (const name of await readdir(paths.ledger).catch(() => [] as string[])) {
    if (!name.endsWith('.json')) continue;
    const entry = await readJsonFile<LedgerEntry>(`${paths.ledger}/${name}`);
    if (entry) entries.push(entry);
  }
  const running = entries
    .filter((e) => e.state === 'accepted' || e.state === 'running')
    .sort((a, b) => a.receivedAt.localeCompare(b.receivedAt))
    .map((e) => ({
      actionId: e.actionId,
      state: e.state,
      startedAt: e.startedAt,
      runbook: e.runbook ? `${e.runbook.name}@${e.runbook.version}` : null,
    }));

  return {
    ...empty,
    exists: true,
    enrolled: identity !== undefined,
    agent: identity
      ? {
          id: identity.agentId,
          apiUrl: identity.apiUrl,
          hostname: identity.hostname,
          enrolledAt: identity.enrolledAt,
          allowUnsigned: (identity as { allowUnsigned?: boolean }).allowUnsigned === true,
        }
      : null,
    daemon: {
      running: alive,
      pid: alive ? pidFile.pid : null,
      startedAt: alive ? pidFile.startedAt : null,
      lastPollAt: daemon?.lastPollAt ?? null,
      connected: alive && (daemon?.connected ?? false),
      draining: alive && (daemon?.draining ?? false),
      lastError: daemon?.lastError ?? null,
    },
    running,
    ledger: { entries: entries.length },
    spool: await spoolUsage(paths.spool),
  };
}

function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}

function ago(iso: string, now: Date): string {
  const s = Math.max(0, Math.round((now.getTime() - Date.parse(iso)) / 1000));
  if (s < 120) return `${s} s ago`;
  if (s < 7200) return `${Math.round(s / 60)} min ago`;
  return `${Math.round(s / 3600)} h ago`;
}

/** The human rendering: one fact per line. */
export function formatAgentStatus(status: AgentStatus, now = new Date()): string {
  const rows: [string, string][] = [
    ['state dir', status.exists ? status.stateDir : `${status.stateDir} (missing)`],
  ];
  if (!status.exists) {
    rows.push(['installed', 'no: run `neptune agent install` (as root)']);
  }
  rows.push([
    'enrolled',
    status.agent
      ? `yes: agent ${status.agent.id} at ${status.agent.apiUrl}`
      : 'no: run `neptune agent enroll`',
  ]);
  if (status.agent) {
    rows.push([
      'runbooks',
      status.agent.allowUnsigned
        ? 'signed and unsigned (enrolled with --allow-unsigned)'
        : 'signed only (checked against the trust file)',
    ]);
  }
  rows.push([
    'daemon',
    status.daemon.running
      ? `running (pid ${status.daemon.pid})${status.daemon.draining ? ', draining' : ''}${status.daemon.connected ? ', connected' : ', not connected'}`
      : 'not running',
  ]);
  rows.push([
    'last poll',
    status.daemon.lastPollAt
      ? `${status.daemon.lastPollAt} (${ago(status.daemon.lastPollAt, now)})`
      : 'never',
  ]);
  if (status.daemon.lastError) rows.push(['last error', status.daemon.lastError]);
  const running = status.running.length;
  rows.push([
    'running',
    running === 0
      ? 'no actions'
      : `${running} action${running === 1 ? '' : 's'}${status.daemon.running ? '' : ' (the daemon is not running: they will be reported interrupted)'}`,
  ]);
  for (const action of status.running) {
    rows.push([
      '',
      `${action.actionId}  ${action.runbook ?? ''}  ${action.startedAt ? `since ${action.startedAt}` : action.state}`.trimEnd(),
    ]);
  }
  rows.push([
    'spool',
    status.spool.actions === 0
      ? 'empty'
      : `${status.spool.actions} action${status.spool.actions === 1 ? '' : 's'}, ${status.spool.chunks} chunk${status.spool.chunks === 1 ? '' : 's'}, ${bytes(status.spool.bytes)} waiting for upload`,
  ]);
  const width = Math.max(...rows.map(([k]) => k.length));
  return `${rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n')}\n`;
}
