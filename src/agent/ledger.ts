/**
 * The ledger: one file per action id in `<state>/ledger/`, claimed with O_EXCL and fsynced (file and directory)
 * BEFORE the process is started. That is what makes execution exactly-once per action id on a host:
 *
 * - a redelivered id finds its file: it is never run again, and the agent answers with the state it has;
 * - two agent processes on one state dir cannot both claim an id (O_EXCL);
 * - after a crash, entries still `accepted` or `running` become `interrupted` (recover()): the agent cannot know
 *   how far they got, so it reports that and never re-runs them. A process the dead agent left running (no
 *   systemd to clean the cgroup) is recognised by pid + /proc start time and its group is killed.
 *
 * Entries are kept for 7 days (prune()); SSM keeps 30 minutes, which is shorter than realistic redelivery windows.
 */
import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { FinalStatus, KnownState } from '../api/agent-protocol';
import { createExclusive, ensurePrivateDir, writeDurable } from './durable';
import { checkActionId, isActionId } from './ids';
import { isoTime } from './iso-time';
import { processStartTime, signalGroup } from './process-group';

export type LedgerState = KnownState['state'];

export interface LedgerEntry {
  actionId: string;
  state: LedgerState;
  receivedAt: string;
  startedAt: string | null;
  pid: number | null;
  pidStartTime: string | null;
  finishedAt: string | null;
  status: FinalStatus | null;
  exitCode: number | null;
  signal: string | null;
  reason: string | null;
  runbook: { id: string; version: string; name: string } | null;
}

export const LEDGER_RETENTION_MS = 7 * 24 * 3600 * 1000;

export type Claim = { claimed: true; entry: LedgerEntry } | { claimed: false; entry: LedgerEntry };

export interface LedgerOptions {
  now?: () => Date;
}

export class Ledger {
  private readonly now: () => Date;

  private constructor(
    readonly dir: string,
    options: LedgerOptions,
  ) {
    this.now = options.now ?? (() => new Date());
  }

  static async open(dir: string, options: LedgerOptions = {}): Promise<Ledger> {
    await ensurePrivateDir(dir);
    return new Ledger(dir, options);
  }

  private file(actionId: string): string {
    return path.join(this.dir, `${checkActionId(actionId)}.json`);
  }

  /**
   * Claims an action id: true the first time, durably, before anything runs. Every later claim of the same id
   * (a redelivery, another agent process) gets `claimed: false` and the entry as it stands.
   */
  async claim(actionId: string, runbook: LedgerEntry['runbook'] = null): Promise<Claim> {
    const entry: LedgerEntry = {
      actionId,
      state: 'accepted',
      receivedAt: isoTime(this.now()),
      startedAt: null,
      pid: null,
      pidStartTime: null,
      finishedAt: null,
      status: null,
      exitCode: null,
      signal: null,
      reason: null,
      runbook,
    };
    if (await createExclusive(this.file(actionId), `${JSON.stringify(entry)}\n`))
      return { claimed: true, entry };
    return { claimed: false, entry: (await this.get(actionId))! };
  }

  /** The entry for an id; a file left empty or torn by a crash during the claim reads as `interrupted`. */
  async get(actionId: string): Promise<LedgerEntry | undefined> {
    let text: string;
    try {
      text = await readFile(this.file(actionId), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    try {
      return JSON.parse(text) as LedgerEntry;
    } catch {
      return {
        actionId,
        state: 'interrupted',
        receivedAt: isoTime(this.now()),
        startedAt: null,
        pid: null,
        pidStartTime: null,
        finishedAt: null,
        status: 'interrupted',
        exitCode: null,
        signal: null,
        reason: 'the ledger entry was torn by a crash while it was written',
        runbook: null,
      };
    }
  }

  /** Updates of one entry run one after the other (read, merge, durable write), never interleaved. */
  private readonly updates = new Map<string, Promise<unknown>>();

  private update(actionId: string, change: Partial<LedgerEntry>): Promise<LedgerEntry> {
    const previous = this.updates.get(actionId) ?? Promise.resolve();
    const next = previous.then(async () => {
      const current = await this.get(actionId);
      if (!current) throw new Error(`action ${actionId} is not in the ledger`);
      const entry = { ...current, ...change };
      await writeDurable(this.file(actionId), `${JSON.stringify(entry)}\n`);
      return entry;
    });
    const settled = next.catch(() => {});
    this.updates.set(actionId, settled);
    void settled.then(() => {
      if (this.updates.get(actionId) === settled) this.updates.delete(actionId);
    });
    return next;
  }

  markRunning(
    actionId: string,
    info: { pid: number; pidStartTime?: string; startedAt: Date },
  ): Promise<LedgerEntry> {
    return this.update(actionId, {
      state: 'running',
      pid: info.pid,
      pidStartTime: info.pidStartTime ?? null,
      startedAt: isoTime(info.startedAt),
    });
  }

  markFinished(
    actionId: string,
    result: {
      status: FinalStatus;
      exitCode: number | null;
      signal: string | null;
      reason: string | null;
      finishedAt: Date;
      startedAt?: Date | null;
    },
  ): Promise<LedgerEntry> {
    return this.update(actionId, {
      state: result.status === 'interrupted' ? 'interrupted' : 'finished',
      status: result.status,
      exitCode: result.exitCode,
      signal: result.signal,
      reason: result.reason,
      finishedAt: isoTime(result.finishedAt),
      ...(result.startedAt ? { startedAt: isoTime(result.startedAt) } : {}),
    });
  }

  async list(): Promise<LedgerEntry[]> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    const entries: LedgerEntry[] = [];
    for (const name of names.sort()) {
      if (!name.endsWith('.json')) continue;
      const id = name.slice(0, -'.json'.length);
      if (!isActionId(id)) continue;
      const entry = await this.get(id);
      if (entry) entries.push(entry);
    }
    return entries;
  }

  /**
   * Start times of the earlier runs of a runbook (by name) on this host, for the signed caps: every entry the agent
   * took for it (a run in flight counts from when it was received), except the ones it refused before they started.
   * Kept as long as entries are (LEDGER_RETENTION_MS), so caps windows up to 7 days are counted exactly.
   */
  async history(runbookName: string): Promise<Date[]> {
    const out: Date[] = [];
    for (const entry of await this.list()) {
      if (entry.runbook?.name !== runbookName || entry.status === 'rejected') continue;
      out.push(new Date(entry.startedAt ?? entry.receivedAt));
    }
    return out;
  }

  /**
   * After a restart: every entry left `accepted` or `running` (or torn) becomes `interrupted`. Returns them, so
   * the caller spools an `interrupted` finish record for each. Call before taking any new work.
   */
  async recover(): Promise<LedgerEntry[]> {
    const recovered: LedgerEntry[] = [];
    for (const entry of await this.list()) {
      const torn = entry.state === 'interrupted' && entry.finishedAt === null;
      if (entry.state !== 'accepted' && entry.state !== 'running' && !torn) continue;
      let reason =
        entry.state === 'accepted'
          ? 'the agent stopped before the action started'
          : 'the agent stopped while the action ran';
      if (torn) reason = entry.reason ?? reason;
      if (entry.pid && entry.pidStartTime && processStartTime(entry.pid) === entry.pidStartTime) {
        // The dead agent's process is still there (no systemd to clean up the cgroup): it is stopped now, since
        // the action is reported as interrupted and a later run must not race it.
        signalGroup(entry.pid, 'SIGKILL');
        reason += '; its leftover processes were killed';
      }
      const finishedAt = this.now();
      const next: LedgerEntry = {
        ...entry,
        state: 'interrupted',
        status: 'interrupted',
        reason,
        finishedAt: isoTime(finishedAt),
      };
      await writeDurable(this.file(entry.actionId), `${JSON.stringify(next)}\n`);
      recovered.push(next);
    }
    return recovered;
  }

  /** Removes finished entries older than the retention. */
  async prune(retentionMs = LEDGER_RETENTION_MS): Promise<number> {
    const cutoff = this.now().getTime() - retentionMs;
    let removed = 0;
    for (const entry of await this.list()) {
      if (entry.state !== 'finished' && entry.state !== 'interrupted') continue;
      const at = Date.parse(entry.finishedAt ?? entry.receivedAt);
      if (at < cutoff) {
        await rm(this.file(entry.actionId), { force: true });
        removed++;
      }
    }
    return removed;
  }
}

/** What the protocol's `duplicate` ack carries. */
export function knownState(entry: LedgerEntry): KnownState {
  return { state: entry.state, status: entry.status };
}
