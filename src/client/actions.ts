/**
 * `neptune run` and `neptune actions`: the client side of actions. `run` sends a runbook file (and its signature
 * file `FILE.sig` when one lies next to it) to hosts now; with --wait it follows every action's output, prefixed by
 * host when there are several, until each has finished.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Action, ActionOutput, CreateRunRequest, RunCreated } from '../api/dispatch';
import { TERMINAL_STATUSES } from '../api/dispatch';
import { inputMissing, usageError } from '../core/errors';
import type { ApiClient } from './client';

export interface RunInput {
  file: string;
  hosts: string[];
  tags: string[];
  params: string[];
  timeoutSeconds: number;
  killGraceSeconds?: number;
}

export function parseParams(pairs: string[]): Record<string, string> {
  const params: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    const name = eq > 0 ? pair.slice(0, eq) : '';
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name)) {
      throw usageError('RUN_BAD_PARAM', `cannot read the parameter ${JSON.stringify(pair)}`, {
        hint: 'use --param NAME=VALUE (NAME: letters, digits, underscore); it arrives as NP_NAME',
      });
    }
    params[name] = pair.slice(eq + 1);
  }
  return params;
}

/** `2m`, `90s`, `1h`, or seconds. */
export function parseTimeout(text: string): number {
  const match = /^(\d{1,6})(s|m|h)?$/.exec(text.trim());
  const seconds = match
    ? Number(match[1]) * { s: 1, m: 60, h: 3600 }[(match[2] ?? 's') as 's' | 'm' | 'h']
    : Number.NaN;
  if (!match || seconds < 1 || seconds > 86_400) {
    throw usageError('RUN_BAD_TIMEOUT', `cannot use ${JSON.stringify(text)} as a timeout`, {
      hint: 'use a duration between 1s and 24h: 30s, 2m, 1h',
    });
  }
  return seconds;
}

export async function runRequest(input: RunInput): Promise<CreateRunRequest> {
  if (input.hosts.length === 0 && input.tags.length === 0) {
    throw usageError('RUN_NO_TARGET', 'say where to run it', {
      hint: 'pass --host NAME or --tag TAG (repeatable)',
    });
  }
  let script: string;
  try {
    script = await readFile(input.file, 'utf8');
  } catch {
    throw inputMissing('RUN_FILE_MISSING', `cannot read the runbook ${input.file}`, {
      hint: 'pass the path of a runbook script',
    });
  }
  if (script.length === 0) throw usageError('RUN_EMPTY', `${input.file} is empty`);
  const signature = await readFile(`${input.file}.sig`, 'utf8').catch(() => null);
  return {
    runbook: { name: path.basename(input.file), script, signature },
    hosts: [...new Set(input.hosts)],
    tags: [...new Set(input.tags)],
    params: parseParams(input.params),
    timeoutSeconds: input.timeoutSeconds,
    ...(input.killGraceSeconds !== undefined ? { killGraceSeconds: input.killGraceSeconds } : {}),
  };
}

export function createRun(client: ApiClient, body: CreateRunRequest): Promise<RunCreated> {
  return client.call<RunCreated>('createRun', { body });
}

export const isFinal = (action: Action) => TERMINAL_STATUSES.includes(action.status);

export interface WaitedAction {
  host: string;
  actionId: string;
  status: Action['status'];
  exitCode: number | null;
  output: string;
  truncated: boolean;
  reason: string | null;
}

/**
 * Follows actions until each is final: new output chunks as they arrive (`onOutput`), then the final state.
 * Polls the server every `intervalMs`.
 */
export async function follow(
  client: ApiClient,
  actions: Action[],
  options: {
    onOutput?: (action: Action, text: string) => void;
    intervalMs?: number;
    signal?: AbortSignal;
  } = {},
): Promise<WaitedAction[]> {
  const state = new Map(actions.map((a) => [a.id, { action: a, after: -1, output: '', done: false }]));
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  for (;;) {
    for (const entry of state.values()) {
      if (entry.done) continue;
      for (;;) {
        const out = await client.call<ActionOutput>('actionOutput', {
          params: { id: entry.action.id, after: String(entry.after) },
        });
        for (const chunk of out.chunks) {
          const text = Buffer.from(chunk.data, 'base64').toString('utf8');
          entry.output += text;
          entry.after = chunk.seq;
          options.onOutput?.(entry.action, text);
        }
        if (out.chunks.length < 200) {
          if (out.finished) {
            entry.action = await client.call<Action>('showAction', { params: { id: entry.action.id } });
            entry.done = true;
          }
          break;
        }
      }
    }
    if ([...state.values()].every((e) => e.done) || options.signal?.aborted) break;
    await sleep(options.intervalMs ?? 250);
  }
  return [...state.values()].map(({ action, output }) => ({
    host: action.host,
    actionId: action.id,
    status: action.status,
    exitCode: action.exitCode,
    output,
    truncated: action.truncated,
    reason: action.reason,
  }));
}

/** Splits text into lines prefixed by the host (a partial last line is kept until its end arrives). */
export class Prefixer {
  private readonly partial = new Map<string, string>();
  constructor(
    private readonly write: (text: string) => void,
    private readonly prefix: boolean,
  ) {}

  push(host: string, text: string): void {
    if (!this.prefix) {
      this.write(text);
      return;
    }
    const all = (this.partial.get(host) ?? '') + text;
    const lines = all.split('\n');
    this.partial.set(host, lines.pop() ?? '');
    for (const line of lines) this.write(`${host}: ${line}\n`);
  }

  flush(): void {
    for (const [host, rest] of this.partial) if (rest) this.write(`${host}: ${rest}\n`);
    this.partial.clear();
  }
}
