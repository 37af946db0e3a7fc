/**
 * `neptune agent start`: the daemon. In this order: the state dir, the identity and key, `ActionRunner.recover()`
 * (interrupted actions are reported, never re-run), the pid file, a random start delay, then two loops that run
 * until the agent stops:
 *
 * - the poll loop: one long-poll always parked, also while actions run, so cancel and drain arrive at once;
 *   `assign` → trust check → `ActionRunner.submit()` → ack; `cancel` → `ActionRunner.cancel()`; `drain` → drain.
 *   Failures wait a full-jitter backoff (1 s ×2, cap 60 s, at least Retry-After) and retry for ever.
 * - the uploader: the spool (chunks, then the signed finish record) to the server, removed only when acknowledged.
 *
 * Leases of running actions are renewed every `leaseRenewSeconds` by this process (never by the action's child).
 * Logs are JSON lines on stderr. The agent opens no listening socket: every connection is outbound HTTPS.
 *
 * Signals: the first SIGTERM/SIGINT drains (no new work; running actions get up to the drain timeout), the second
 * cancels what still runs (SIGTERM → SIGKILL to each group) and reports it; then the spool is flushed (for a short
 * while: what is not sent stays spooled for the next start), the agent says `disconnect` and exits 0.
 */
import os from 'node:os';
import type { AssignMessage, IntervalHints, PollMessage } from '../api/agent-protocol';
import { DEFAULT_INTERVAL_HINTS } from '../api/agent-wire';
import { configError } from '../core/errors';
import { ActionRunner } from './actions';
import { prepareAssignment, type TrustCheck } from './assignment';
import { Backoff, POLL_BACKOFF, START_DELAY_MAX_MS, sleep, startDelayMs, UPLOAD_BACKOFF } from './backoff';
import { type AgentSettings, parseDuration } from './config';
import { Executor } from './executor';
import { AgentKey } from './identity';
import { isActionId } from './ids';
import { isoTime } from './iso-time';
import { knownState, Ledger, type LedgerEntry } from './ledger';
import { Spool } from './spool';
import {
  type DaemonStatus,
  type Identity,
  prepareStateDir,
  readJsonFile,
  writeDaemonStatus,
  writePidFile,
} from './state';
import { SdNotify } from './systemd/notify';
import { AgentApiError, AgentTransport } from './transport';
import { Uploader } from './uploader';

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** JSON lines for journald: {time, level, msg, ...fields}. */
export function jsonLogger(stream: NodeJS.WritableStream = process.stderr, debug = false): Logger {
  const write =
    (level: string) =>
    (msg: string, fields: Record<string, unknown> = {}) => {
      stream.write(`${JSON.stringify({ time: isoTime(), level, msg, ...fields })}\n`);
    };
  return {
    debug: debug ? write('debug') : () => {},
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
  };
}

/** Timers only tests and benchmarks change (documented in docs/agent.md). */
export interface DaemonTimers {
  startDelayMaxMs: number;
  pollBackoffCapMs: number;
  uploadBackoffCapMs: number;
}

export function timersFromEnv(env: NodeJS.ProcessEnv = process.env): DaemonTimers {
  const ms = (name: string, fallback: number) => {
    const text = env[name];
    const value = text ? parseDuration(text) : undefined;
    if (text && value === undefined) {
      throw configError('AGENT_CONFIG_VALUE', `${name}: invalid duration ${JSON.stringify(text)}`, {
        hint: 'use a duration such as 500ms, 2s or 1m',
      });
    }
    return value ?? fallback;
  };
  return {
    startDelayMaxMs: ms('NEPTUNE_AGENT_START_DELAY', START_DELAY_MAX_MS),
    pollBackoffCapMs: Math.max(100, ms('NEPTUNE_AGENT_POLL_BACKOFF_CAP', POLL_BACKOFF.capMs)),
    uploadBackoffCapMs: Math.max(100, ms('NEPTUNE_AGENT_UPLOAD_BACKOFF_CAP', UPLOAD_BACKOFF.capMs)),
  };
}

export interface AgentIdentity extends Identity {
  caFile?: string;
  allowUnsigned?: boolean;
  tags?: string[];
}

export async function readIdentity(file: string): Promise<AgentIdentity> {
  const identity = await readJsonFile<AgentIdentity>(file);
  if (!identity?.agentId || !identity.apiUrl) {
    throw configError('AGENT_NOT_ENROLLED', 'this host is not enrolled', {
      hint: 'run neptune agent enroll --api-url URL --token T first (the token comes from `neptune hosts token create`)',
    });
  }
  return identity;
}

/**
 * The trust check of an assignment: unsigned work only with --allow-unsigned; signed work against the trust file,
 * with the signed caps counted from this host's own ledger (`history`), so a server that skips its own caps (or
 * has them switched off in its database) still gets `cap_exceeded`.
 */
export function trustCheckFor(
  identity: AgentIdentity,
  settings: AgentSettings,
  hostname: string,
  history: (runbookName: string) => Promise<readonly Date[]>,
): TrustCheck {
  return async (a) => {
    if (a.runbook.signature === null) {
      return identity.allowUnsigned
        ? { ok: true, params: a.params }
        : {
            ok: false,
            code: 'unsigned',
            reason: 'the runbook is unsigned and this agent was not enrolled with --allow-unsigned',
          };
    }
    const { checkTrust, loadTrustFile } = await import('../runbook/signing');
    let keys: Awaited<ReturnType<typeof loadTrustFile>>;
    try {
      keys = await loadTrustFile(settings.trustFile);
    } catch (error) {
      return { ok: false, code: 'unknown_key', reason: `no usable trust file: ${(error as Error).message}` };
    }
    const decision = checkTrust({
      keys,
      signature: a.runbook.signature,
      script: a.runbook.script,
      params: a.params,
      host: { hostname, tags: Object.fromEntries((identity.tags ?? []).map((t) => [t, 'true'])) },
      runAs: a.runAs ?? os.userInfo().username,
      now: new Date(),
      policy: { allowRunAs: settings.allowRunAs, agentUser: os.userInfo().username },
      expect: { name: a.runbook.name },
      history: await history(a.runbook.name),
    });
    return decision.ok
      ? { ok: true, params: decision.params }
      : { ok: false, code: decision.code, reason: decision.reason };
  };
}

export interface DaemonOptions {
  settings: AgentSettings;
  version: string;
  env?: NodeJS.ProcessEnv;
  log: Logger;
  /** Listen for SIGTERM/SIGINT (the command does; tests may stop through `stop()`). */
  handleSignals?: boolean;
  /** After each poll that brought nothing while nothing runs (the memory compaction of src/agent/memory.ts). */
  onIdle?: () => void;
}

export interface Daemon {
  /** Resolves with the exit code when the agent has stopped. */
  done: Promise<number>;
  /** Like a SIGTERM: the first drains, the second cancels. */
  stop(): void;
}

export async function startDaemon(options: DaemonOptions): Promise<Daemon> {
  const { settings, log } = options;
  const env = options.env ?? process.env;
  const timers = timersFromEnv(env);
  const paths = await prepareStateDir(settings.stateDir);
  const identity = await readIdentity(paths.identity);
  const key = await AgentKey.load(paths.key);
  const ledger = await Ledger.open(paths.ledger);
  const spool = await Spool.open(paths.spool, { quotaBytes: settings.spoolQuotaBytes });
  const executor = new Executor({
    workDir: paths.work,
    concurrency: settings.concurrency,
    outputCapBytes: settings.outputCapBytes,
    killGraceMs: settings.killGraceMs,
    allowRunAs: settings.allowRunAs,
    baseEnv: env,
  });
  const transport = new AgentTransport({
    apiUrl: settings.apiUrl ?? identity.apiUrl,
    caFile: settings.caFile ?? identity.caFile,
    env,
    version: options.version,
    agentId: identity.agentId,
    key,
  });
  const uploader = new Uploader({
    spool,
    transport,
    sign: (record) => key.signFinish(record),
    backoff: new Backoff({ baseMs: UPLOAD_BACKOFF.baseMs, capMs: timers.uploadBackoffCapMs }),
    onEvent: (event) => {
      if (event.kind === 'sent') log.debug('uploaded', event);
      else log.warn(event.kind === 'retry' ? 'upload failed, retrying' : 'upload refused', event);
    },
  });
  // Every chunk that reaches the spool wakes the uploader, so following an action is live.
  const notifyingSpool = Object.create(spool) as Spool;
  notifyingSpool.addChunk = async (...args: Parameters<Spool['addChunk']>) => {
    const ref = await spool.addChunk(...args);
    uploader.notify();
    return ref;
  };
  const runner = new ActionRunner({ ledger, spool: notifyingSpool, executor });
  const recovered = await runner.recover();
  for (const record of recovered)
    log.warn('action interrupted by an agent restart', { actionId: record.actionId });
  await ledger.prune().catch(() => 0);
  await writePidFile(paths);

  const hostname = settings.hostname ?? identity.hostname;
  const checkTrust = trustCheckFor(identity, settings, hostname, (name) => ledger.history(name));
  const sd = new SdNotify({ env });
  const startedAt = isoTime();
  let hints: IntervalHints = DEFAULT_INTERVAL_HINTS;
  const status: DaemonStatus = {
    pid: process.pid,
    startedAt,
    version: options.version,
    lastPollAt: null,
    connected: false,
    lastError: null,
    draining: false,
  };
  const saveStatus = () => writeDaemonStatus(paths, status).catch(() => {});
  const stopLoops = new AbortController();
  let stopRequests = 0;
  let drained: Promise<unknown> | undefined;

  const drain = (why: string) => {
    if (drained) return;
    status.draining = true;
    void saveStatus();
    void sd.stopping('draining');
    log.info('draining: no new work', { reason: why, running: runner.active });
    drained = runner.drain(settings.drainTimeoutMs).then(async (result) => {
      log.info('drained', result);
      uploader.notify();
      // Flush what is spooled for a short while; the rest is sent at the next start.
      const until = Date.now() + 15_000;
      while (Date.now() < until && (await spool.pending()).some((p) => !uploader.refused.has(p.actionId))) {
        await sleep(100);
      }
      await transport.disconnect(stopRequests > 1 ? 'agent_stop' : 'drained').catch(() => {});
      stopLoops.abort();
    });
  };

  const stop = () => {
    stopRequests++;
    if (stopRequests === 1) drain('stop requested');
    else {
      log.warn('second stop: cancelling running actions', { running: runner.active });
      runner.cancelAll('the agent is stopping (agent_stop)');
    }
  };
  const onSignal = (signal: NodeJS.Signals) => {
    log.info('signal', { signal });
    stop();
  };
  if (options.handleSignals) {
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  }

  // Reports go out in the background, in order per action, so that a poll with many assignments is not held up by
  // one round trip per ack: the local part (trust check, ledger claim, spawn) stays in message order.
  const report = (actionId: string, fn: () => Promise<unknown>) => {
    void fn().catch((error: unknown) =>
      log.warn('could not report to the server', { actionId, error: String(error) }),
    );
  };

  const answerDuplicate = (actionId: string, entry: LedgerEntry) => {
    const known = knownState(entry);
    log.warn('action id already in the ledger: not run again', { actionId, known });
    report(actionId, () => transport.ack(actionId, { decision: 'duplicate', known }));
    uploader.notify();
  };

  const handleAssign = async (message: AssignMessage) => {
    const actionId = message.action.actionId;
    // A known action id (a redelivery or a replay) is answered from the ledger before anything else: it is never
    // checked, counted or run again.
    const seen = isActionId(actionId) ? await ledger.get(actionId) : undefined;
    if (seen) return answerDuplicate(actionId, seen);
    const prepared = await prepareAssignment(message.action, {
      checkTrust,
      maxOutputCapBytes: settings.outputCapBytes,
    });
    if (!prepared.ok) {
      log.warn('action refused', { actionId, reason: prepared.rejectReason, message: prepared.message });
      report(actionId, () =>
        transport.ack(actionId, {
          decision: 'reject',
          reason: prepared.rejectReason,
          message: prepared.message.slice(0, 500),
        }),
      );
      return;
    }
    const submission = await runner.submit(prepared.assignment);
    switch (submission.outcome) {
      case 'duplicate':
        return answerDuplicate(actionId, submission.entry);
      case 'refused':
      case 'rejected':
        log.warn('action rejected', {
          actionId,
          reason: submission.rejectReason,
          message: submission.message,
        });
        report(actionId, () =>
          transport.ack(actionId, {
            decision: 'reject',
            reason: submission.rejectReason,
            message: submission.message.slice(0, 500),
          }),
        );
        uploader.notify();
        return;
      case 'accepted': {
        log.info('action accepted', { actionId, runbook: prepared.assignment.runbook?.name });
        const startedAt = isoTime();
        report(actionId, async () => {
          await transport.ack(actionId, { decision: 'accept' });
          await transport.start(actionId, startedAt);
        });
        void submission.finished.then((record) => {
          log.info('action finished', { actionId, status: record.status, exitCode: record.exitCode });
          uploader.notify();
          slotFreed();
        });
        return;
      }
    }
  };

  const handle = (message: PollMessage) => {
    if (message.type === 'assign') {
      return handleAssign(message).catch((error: unknown) =>
        log.warn('could not report an assignment', {
          actionId: message.action.actionId,
          error: String(error),
        }),
      );
    }
    if (message.type === 'cancel') {
      const found = runner.cancel(message.actionId, message.reason ?? 'cancelled by an operator');
      log.info('cancel', { actionId: message.actionId, found });
      return;
    }
    drain('the server asked to drain');
  };

  // The poll parked while every slot was busy asked for no work (capacity 0): the server would hold queued actions
  // back until that poll's hold ends. When a slot frees up, that poll is replaced by one that asks for work. Messages
  // of an abandoned poll are not lost: the server deletes them only when a later poll's cursor has passed them.
  let parked: { capacity: number; replace: AbortController } | undefined;
  const slotFreed = () => {
    if (parked && parked.capacity === 0 && !runner.draining) parked.replace.abort();
  };

  const pollLoop = async () => {
    const backoff = new Backoff({ baseMs: POLL_BACKOFF.baseMs, capMs: timers.pollBackoffCapMs });
    let cursor = 0;
    let ready = false;
    const connected = () => {
      if (ready) return;
      ready = true;
      log.info('connected', { agentId: identity.agentId, apiUrl: settings.apiUrl ?? identity.apiUrl });
      void sd.ready('polling');
    };
    // One quick call first, so that "connected" (and READY=1) does not wait for the first poll's hold.
    while (!stopLoops.signal.aborted && !ready) {
      try {
        await transport.call('heartbeat', {
          json: { sentAt: isoTime(), running: runner.active, spoolBytes: spool.bytes },
        });
        status.lastPollAt = isoTime();
        status.connected = true;
        void saveStatus();
        connected();
      } catch (error) {
        const delay = backoff.next(error instanceof AgentApiError ? error.retryAfter : undefined);
        status.lastError = (error as Error).message;
        void saveStatus();
        log.warn('cannot reach the server, retrying', { error: (error as Error).message, delayMs: delay });
        await sleep(delay, stopLoops.signal);
      }
    }
    backoff.reset();
    while (!stopLoops.signal.aborted) {
      const capacity = runner.draining ? 0 : Math.max(0, settings.concurrency - runner.active.length);
      const replace = new AbortController();
      parked = { capacity, replace };
      try {
        const response = await transport.poll(
          { cursor, capacity, running: runner.active.slice(0, 1024), draining: runner.draining },
          AbortSignal.any([stopLoops.signal, replace.signal]),
        );
        parked = undefined;
        if (response.intervalHints) hints = response.intervalHints;
        backoff.reset();
        status.lastPollAt = isoTime();
        status.connected = true;
        status.lastError = null;
        void saveStatus();
        for (const message of response.messages) {
          cursor = Math.max(cursor, message.id);
          await handle(message);
        }
        if (response.messages.length === 0 && runner.active.length === 0) options.onIdle?.();
      } catch (error) {
        parked = undefined;
        if (stopLoops.signal.aborted) break;
        if (replace.signal.aborted) continue;
        const retryAfter = error instanceof AgentApiError ? error.retryAfter : undefined;
        const delay = backoff.next(retryAfter);
        status.connected = false;
        status.lastError = (error as Error).message;
        void saveStatus();
        log.warn('poll failed, retrying', { error: (error as Error).message, delayMs: delay });
        await sleep(delay, stopLoops.signal);
      }
    }
  };

  const renewLoop = async () => {
    while (!stopLoops.signal.aborted) {
      await sleep(hints.leaseRenewSeconds * 1000, stopLoops.signal);
      for (const actionId of runner.active) {
        try {
          const renewed = await transport.renew(actionId);
          if (renewed.cancel) runner.cancel(actionId, 'cancelled by an operator');
        } catch (error) {
          log.debug('lease renewal failed', { actionId, error: String(error) });
        }
      }
    }
  };

  const stopWatchdog = sd.startWatchdog(
    () =>
      status.lastPollAt !== null &&
      Date.now() - Date.parse(status.lastPollAt) < 2 * (hints.pollHoldSeconds + 20) * 1000,
  );
  const delay = startDelayMs(Math.random, timers.startDelayMaxMs);
  log.info('agent starting', {
    agentId: identity.agentId,
    pid: process.pid,
    startDelayMs: delay,
    recovered: recovered.length,
  });
  void saveStatus();
  const done = (async () => {
    uploader.notify();
    const uploading = uploader.run(stopLoops.signal);
    await sleep(delay, stopLoops.signal);
    await Promise.all([pollLoop(), renewLoop(), uploading]);
    stopWatchdog();
    if (options.handleSignals) {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
    }
    status.connected = false;
    await saveStatus();
    await transport.close().catch(() => {});
    log.info('agent stopped');
    return 0;
  })();
  return { done, stop };
}
