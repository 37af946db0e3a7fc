// Shared by the benchmarks that run a real `neptune server` (server.bench.mjs, ingest.bench.mjs): an isolated HOME,
// the CLI from the checkout, a server started and stopped as its own process, a fresh PostgreSQL database.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

export const root = path.resolve(import.meta.dirname, '..', '..');
const require = createRequire(path.join(root, 'package.json'));
const { Agent, request } = require('undici');
const pg = require('pg');

const BIN = path.join(root, 'bin', 'neptune');

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

export const freePort = () =>
  new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

/** A temporary HOME with its own config and file-stored credentials, and the CLI and server run inside it. */
export function benchHome(prefix) {
  const home = mkdtempSync(path.join(os.tmpdir(), `neptune-bench-${prefix}-`));
  const env = {
    PATH: process.env.PATH,
    HOME: home,
    NEPTUNE_CONFIG_DIR: path.join(home, 'config'),
    NEPTUNE_CACHE_DIR: path.join(home, 'cache'),
    NEPTUNE_CREDENTIAL_STORE: 'file',
  };

  /** Runs the CLI; resolves with its stdout, rejects with its stderr on a non-zero exit. */
  function run(args, extraEnv = {}) {
    return new Promise((resolve, reject) => {
      const child = spawn(BIN, args, { env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => {
        stdout += d;
      });
      child.stderr.on('data', (d) => {
        stderr += d;
      });
      child.on('exit', (code) =>
        code === 0 ? resolve(stdout) : reject(new Error(`${args.join(' ')}: ${code} ${stderr}`)),
      );
    });
  }

  /** `server start` as its own process; resolves once /readyz answers 200 over verified TLS. */
  function start(dataDir, listen, extraEnv, ca) {
    const probe = new Agent({ connect: { ca } });
    const child = spawn(
      BIN,
      [
        'server',
        'start',
        '--data-dir',
        dataDir,
        '--listen',
        listen,
        '--log-level',
        'warn',
        '--rate-limit',
        '100000000',
      ],
      { env: { ...env, ...extraEnv }, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not start: ${stderr}`)), 60_000);
      const poll = setInterval(async () => {
        try {
          const res = await request(`https://${listen}/readyz`, { dispatcher: probe });
          await res.body.text();
          if (res.statusCode === 200) {
            clearInterval(poll);
            clearTimeout(timer);
            resolve(child);
          }
        } catch (error) {
          if (process.env.BENCH_DEBUG) console.error(error);
        }
      }, 100);
      child.stderr.on('data', (d) => {
        stderr += d;
      });
      child.on('exit', (code) => {
        clearInterval(poll);
        clearTimeout(timer);
        reject(new Error(`server exited ${code}: ${stderr}`));
      });
    });
  }

  /** `server init` of a data dir on SQLite, or on `databaseUrl`. */
  async function init(name, databaseUrl) {
    const dataDir = path.join(home, name);
    const extraEnv = databaseUrl ? { NEPTUNE_DATABASE_URL: databaseUrl } : {};
    const args = [
      'server',
      'init',
      '--data-dir',
      dataDir,
      '--account',
      'bench',
      '--admin-email',
      'b@bench.test',
    ];
    const out = JSON.parse(await run([...args, '--json'], extraEnv));
    return { dataDir, extraEnv, key: out.apiKey, caFile: out.caFile, ca: readFileSync(out.caFile, 'utf8') };
  }

  return { home, env, run, start, init };
}

/** SIGTERM, and the exit code once the server has drained. */
export function stop(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    child.removeAllListeners('exit');
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

/** A fresh database neptune_bench_<random> on the server at `base`, and how to drop it. */
export async function createPgDatabase(base) {
  const name = `neptune_bench_${randomBytes(5).toString('hex')}`;
  const client = new pg.Client({ connectionString: base, connectionTimeoutMillis: 3000 });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
