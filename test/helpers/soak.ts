/**
 * The crash soak of issue 7, shared by test/soak.e2e.test.ts (bounded) and scripts/bench/soak-bench.ts (1,000
 * actions, 20 kills): a real `server start` (test/helpers/server.ts), one real `neptune agent start`, and ACTIONS
 * actions whose runbook appends its own action id to a file, while the server is SIGKILLed and restarted at random
 * points (after a random number of submitted actions, plus a random delay, so a kill lands during submissions,
 * polls, acks, output uploads and finish uploads alike). At the end every action must have exactly one result on
 * the server (status succeeded, with its finish record) and the file must hold each id exactly once.
 *
 * A submission that fails ambiguously (the server died after it committed, before it answered) is not sent again
 * blindly: each request carries a unique runbook name, and the submitter looks for it among the newest actions
 * first, so the server holds exactly ACTIONS actions. An id in the file that the submitter never learned would
 * show up as `unexpected`.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HttpClient } from '../../src/core/http';
import { enrollAndStart } from './agent';
import { prng } from './prng';
import type { StartedServer } from './server';

export interface SoakOptions {
  server: StartedServer;
  actions: number;
  kills: number;
  /** Submitted and not yet executed at most this many at once (the agent runs `concurrency` at a time). */
  window?: number;
  concurrency?: number;
  /** Seed of the kill schedule (printed, so a failing run can be repeated). */
  seed?: number;
  /** How long to wait for the last results after the last submission. */
  settleMs?: number;
  log?: (line: string) => void;
}

export interface SoakResult {
  seed: number;
  actions: number;
  kills: number;
  /** Actions without a succeeded result on the server. */
  lost: string[];
  /** Ids the file holds more than once. */
  duplicates: string[];
  /** Ids in the file that are not among the submitted actions. */
  unexpected: string[];
  /** Submissions whose answer was lost with a kill and that were found on the server afterwards. */
  adopted: number;
  /** Assignments the agent answered from its ledger (redeliveries after a kill). */
  redeliveries: number;
  durationMs: number;
  /** From one server start to ready, per restart. */
  restartMs: number[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `kills` distinct submission counts in [1, actions), sorted: after which submission each kill is scheduled. */
export function killPoints(actions: number, kills: number, random: () => number): number[] {
  const points = new Set<number>();
  while (points.size < Math.min(kills, actions - 1)) points.add(1 + Math.floor(random() * (actions - 1)));
  return [...points].sort((a, b) => a - b);
}

/** Per id, how many lines of the file name it. */
export function countIds(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of text.split('\n')) {
    const id = line.trim();
    if (id) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

/** The verdict over what the server says and what the file holds. */
export function judge(
  ids: readonly string[],
  statuses: ReadonlyMap<string, string>,
  counts: ReadonlyMap<string, number>,
): Pick<SoakResult, 'lost' | 'duplicates' | 'unexpected'> {
  const known = new Set(ids);
  return {
    lost: ids.filter((id) => statuses.get(id) !== 'succeeded' || (counts.get(id) ?? 0) === 0),
    duplicates: [...counts].filter(([, n]) => n > 1).map(([id]) => id),
    unexpected: [...counts.keys()].filter((id) => !known.has(id)),
  };
}

export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const { server, actions } = options;
  const log = options.log ?? (() => {});
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  const random = prng(seed);
  const window = options.window ?? 32;
  const concurrency = options.concurrency ?? 8;
  const work = mkdtempSync(path.join(os.tmpdir(), 'neptune-soak-'));
  const idsFile = path.join(work, 'ids.txt');
  log(`soak: ${actions} actions, ${options.kills} kills, seed ${seed}, ${server.engine}`);

  const agent = await enrollAndStart(server, { work, hostname: 'soak-1', concurrency });
  const http = new HttpClient({ baseUrl: server.url, caFile: server.caFile, userAgent: 'soak', retries: 0 });
  const auth = { authorization: `Bearer ${server.apiKey}` };
  const executed = () => (existsSync(idsFile) ? countIds(readFileSync(idsFile, 'utf8')).size : 0);
  const script = `#!/bin/sh\nprintf '%s\\n' "$NEPTUNE_ACTION_ID" >> '${idsFile}'\n`;

  // The killer: after submission k_i (and a random 0–400 ms), SIGKILL the server and start it again.
  const points = killPoints(actions, options.kills, random);
  const restartMs: number[] = [];
  let submitted = 0;
  let killing: Promise<void> = Promise.resolve();
  let killFailed: Error | undefined;
  const kill = async (i: number) => {
    await sleep(Math.floor(random() * 400));
    const stopped = await server.stop('SIGKILL');
    if (stopped.signal !== 'SIGKILL')
      throw new Error(`the server was not killed: ${JSON.stringify(stopped)}`);
    await sleep(Math.floor(random() * 300));
    const t0 = Date.now();
    await server.restart();
    restartMs.push(Date.now() - t0);
    log(`kill ${i + 1}/${points.length} after submission ${submitted}: restarted in ${Date.now() - t0} ms`);
  };

  /** POST /v1/actions until the server has the action; returns its id and whether it was found after a loss. */
  const submit = async (n: number): Promise<{ id: string; adopted: boolean }> => {
    const name = `soak-${seed}-${n}`;
    let ambiguous = false;
    for (;;) {
      if (ambiguous) {
        const listed = await http.request({ url: '/v1/actions', headers: auth }).catch(() => undefined);
        if (listed?.status !== 200) {
          await sleep(100);
          continue;
        }
        const found = listed
          .json<{ actions: { id: string; runbook: string }[] }>()
          .actions.find((a) => a.runbook === name);
        if (found) return { id: found.id, adopted: true };
        ambiguous = false;
      }
      try {
        const r = await http.request({
          method: 'POST',
          url: '/v1/actions',
          headers: auth,
          json: {
            runbook: { name, script, signature: null },
            hosts: ['soak-1'],
            tags: [],
            params: {},
            timeoutSeconds: 60,
          },
        });
        if (r.status === 201)
          return { id: r.json<{ actions: { id: string }[] }>().actions[0]!.id, adopted: false };
        if (r.status < 500 && r.status !== 429) throw new Error(`run: ${r.status} ${r.text()}`);
      } catch (error) {
        if ((error as Error).message.startsWith('run:')) throw error;
        // No answer: the request may or may not have been committed before the kill.
        ambiguous = true;
      }
      await sleep(100);
    }
  };

  const t0 = Date.now();
  const ids: string[] = [];
  let adopted = 0;
  try {
    for (let n = 0; n < actions; n++) {
      while (submitted - executed() >= window) {
        if (agent.died()) throw new Error(agent.died());
        if (killFailed) throw killFailed;
        await sleep(50);
      }
      const { id, adopted: found } = await submit(n);
      ids.push(id);
      if (found) adopted++;
      submitted++;
      if (submitted % 10 === 0) log(`${submitted} submitted, ${executed()} executed, ${Date.now() - t0} ms`);
      if (points.includes(submitted)) {
        const i = points.indexOf(submitted);
        killing = killing
          .then(() => (killFailed ? undefined : kill(i)))
          .catch((error: Error) => {
            killFailed ??= error;
          });
      }
    }
    await killing;
    if (killFailed) throw killFailed;

    // Every action terminal on the server, and the file complete (or the settle time is over).
    const statuses = new Map<string, string>();
    const until = Date.now() + (options.settleMs ?? 180_000);
    for (const id of ids) {
      for (;;) {
        const r = await http.request({ url: `/v1/actions/${id}`, headers: auth }).catch(() => undefined);
        const status =
          r?.status === 200 ? r.json<{ status: string; finishedAt: string | null }>() : undefined;
        if (
          status &&
          status.finishedAt !== null &&
          !['queued', 'assigned', 'running'].includes(status.status)
        ) {
          statuses.set(id, status.status);
          break;
        }
        if (Date.now() > until) {
          statuses.set(id, status?.status ?? 'unknown');
          break;
        }
        await sleep(100);
      }
    }
    const counts = countIds(existsSync(idsFile) ? readFileSync(idsFile, 'utf8') : '');
    const verdict = judge(ids, statuses, counts);
    const redeliveries = (agent.logs().match(/"msg":"redelivered action answered from the ledger"/g) ?? [])
      .length;
    return {
      seed,
      actions: ids.length,
      kills: restartMs.length,
      ...verdict,
      adopted,
      redeliveries,
      durationMs: Date.now() - t0,
      restartMs,
    };
  } finally {
    writeFileSync(path.join(work, 'agent.log'), agent.logs());
    log(`agent log: ${path.join(work, 'agent.log')}`);
    await http.close();
    await agent.stop();
  }
}
