/**
 * Runs the real CLI as a user would: bin/neptune from the checkout, or the built executable when NEPTUNE_BIN is set
 * (npm run test:exe). The environment is clean and isolated: a temporary HOME and config/cache/data dirs.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

export const REPO = path.resolve(import.meta.dirname, '..', '..');
export const BIN = path.resolve(REPO, process.env.NEPTUNE_BIN ?? 'bin/neptune');
export const IS_EXECUTABLE = Boolean(process.env.NEPTUNE_BIN);

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env?: Record<string, string | undefined>;
  /** Text written to stdin (stdin is closed either way: no prompt may wait). */
  input?: string;
  cwd?: string;
  /** A HOME for this run; default a fresh temporary one. */
  home?: string;
  timeoutMs?: number;
}

const homes: string[] = [];

// Registered when a test file imports this helper, so it runs after that file's own afterAll hooks (vitest runs
// them in reverse order): the servers and agents that used these homes are stopped by then. A process 'exit'
// handler does not run in vitest's forked workers.
afterAll(() => {
  for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
});

/** A fresh temporary HOME, removed after the test file that made it. */
export function tempHome(): string {
  const home = mkdtempSync(path.join(os.tmpdir(), 'neptune-home-'));
  homes.push(home);
  return home;
}

/** The environment a run gets: only what a shell user would have, plus the test's own variables. */
export function cliEnv(home: string, extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home,
    SHELL: '/bin/sh',
    LANG: 'C.UTF-8',
    TZ: 'UTC',
    NEPTUNE_CONFIG_DIR: path.join(home, 'config'),
    NEPTUNE_CACHE_DIR: path.join(home, 'cache'),
    NEPTUNE_DATA_DIR: path.join(home, 'data'),
    NEPTUNE_CREDENTIAL_STORE: 'file',
  };
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const home = options.home ?? tempHome();
  return new Promise((resolve, reject) => {
    const child = spawn(BIN, args, {
      cwd: options.cwd ?? home,
      env: cliEnv(home, options.env),
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: options.timeoutMs ?? 60_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}
