/**
 * A real `neptune server` for end-to-end tests: `server init` through the CLI on a fresh data directory (SQLite, or
 * a fresh PostgreSQL database when NEPTUNE_TEST_DATABASE_URL is set), then `server start` as its own process on
 * 127.0.0.1 (a free port) with the CA that init generated. TLS is never switched off: clients pass --ca-file.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { POSTGRES_SKIP_REASON, testDatabase, testEngines } from '../../src/server/testing';
import { BIN, cliEnv, runCli, tempHome } from './cli';

export type Engine = 'sqlite' | 'postgres';

export { POSTGRES_SKIP_REASON, testEngines };

let told = false;
/** Prints once per test file why the PostgreSQL variants do not run. */
export function reportSkippedEngines(): void {
  if (!process.env.NEPTUNE_TEST_DATABASE_URL && !told) {
    told = true;
    console.log(POSTGRES_SKIP_REASON);
  }
}

export interface StartedServer {
  url: string;
  caFile: string;
  /** The first admin's API key, as `server init` printed it. */
  apiKey: string;
  dataDir: string;
  databaseUrl: string | undefined;
  engine: Engine;
  /** stderr of `server start` so far (JSON log lines). */
  logs(): string;
  /** Starts the server again on the same data directory and port (after stop). */
  restart(): Promise<void>;
  /** Another `server start` process on the same data directory and database (PostgreSQL replicas). */
  startReplica(): Promise<{ url: string; stop(): Promise<void> }>;
  /** Sends the signal and waits for the process to exit. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Stops the server and drops the database. */
  dispose(): Promise<void>;
}

export interface StartOptions {
  engine?: Engine;
  account?: string;
  adminEmail?: string;
  /** Extra environment of every `server start` (e.g. NEPTUNE_AGENT_POLL_HOLD). */
  env?: Record<string, string>;
}

function launch(
  dataDir: string,
  home: string,
  extraEnv: Record<string, string | undefined>,
  listen = '127.0.0.1:0',
) {
  const child = spawn(BIN, ['server', 'start', '--data-dir', dataDir, '--listen', listen], {
    env: cliEnv(home, extraEnv),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  const ready = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 30 s:\n${stderr}`)), 30_000);
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      const match = /"url":"(https:\/\/127\.0\.0\.1:\d+)".*"msg":"neptune server ready"/.exec(stderr);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}) before it was ready:\n${stderr}`));
    });
  });
  return { child, ready, logs: () => stderr };
}

export async function startServer(options: StartOptions = {}): Promise<StartedServer> {
  const engine = options.engine ?? 'sqlite';
  const db = await testDatabase(engine === 'postgres' ? process.env : {});
  const dataDir = path.join(mkdtempSync(path.join(os.tmpdir(), 'neptune-srv-')), 'data');
  const home = tempHome();
  const env = { ...options.env, NEPTUNE_DATABASE_URL: db.databaseUrl };
  const init = await runCli(
    [
      'server',
      'init',
      '--data-dir',
      dataDir,
      '--account',
      options.account ?? 'acme',
      '--admin-email',
      options.adminEmail ?? 'admin@acme.test',
      '--json',
    ],
    { env, home },
  );
  if (init.code !== 0) throw new Error(`server init failed (${init.code}): ${init.stderr}${init.stdout}`);
  const { apiKey, caFile } = JSON.parse(init.stdout) as { apiKey: string; caFile: string };
  let current: ReturnType<typeof launch> = launch(dataDir, home, env);
  let url = await current.ready;
  let exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> | undefined;
  const watch = (child: ChildProcess) =>
    new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null)
        resolve({ code: child.exitCode, signal: child.signalCode });
      else child.once('exit', (code, signal) => resolve({ code, signal }));
    });
  const server: StartedServer = {
    get url() {
      return url;
    },
    caFile,
    apiKey,
    dataDir,
    databaseUrl: db.databaseUrl,
    engine,
    logs: () => current.logs(),
    async restart() {
      // The same port, so that logged-in profiles still point at it.
      current = launch(dataDir, home, env, new URL(url).host);
      url = await current.ready;
      exited = undefined;
    },
    async startReplica() {
      const replica = launch(dataDir, home, env);
      const replicaUrl = await replica.ready;
      return {
        url: replicaUrl,
        stop: async () => {
          const done = watch(replica.child);
          replica.child.kill('SIGTERM');
          await done;
        },
      };
    },
    async stop(signal = 'SIGTERM') {
      exited ??= watch(current.child);
      current.child.kill(signal);
      return exited;
    },
    async dispose() {
      if (current.child.exitCode === null && current.child.signalCode === null) await server.stop('SIGTERM');
      await db.drop();
    },
  };
  return server;
}
