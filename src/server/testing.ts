/**
 * Test support for the server suites (not shipped: only tests import it). A database per test file, SQLite in a
 * temporary directory, or a fresh PostgreSQL database when NEPTUNE_TEST_DATABASE_URL is set (dropped afterwards);
 * and a real server on 127.0.0.1 over TLS with a throwaway CA.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Agent, request } from 'undici';
import { createCertificateAuthority, issueServerCertificate } from '../core/x509';
import { type BuildOptions, build } from './build';
import { initServer } from './init';
import { openDatabase, parseTarget } from './store/db';
import { Store } from './store/store';

export interface TestDatabase {
  /** undefined: SQLite in dataDir */
  databaseUrl: string | undefined;
  engine: 'sqlite' | 'postgres';
  dataDir: string;
  drop(): Promise<void>;
}

/** A fresh database for one test file. */
export async function testDatabase(env: NodeJS.ProcessEnv = process.env): Promise<TestDatabase> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'neptune-server-'));
  const base = env.NEPTUNE_TEST_DATABASE_URL;
  if (!base) {
    return {
      databaseUrl: undefined,
      engine: 'sqlite',
      dataDir,
      drop: () => rm(dataDir, { recursive: true, force: true }),
    };
  }
  const pg = await import('pg');
  const Client = pg.default?.Client ?? pg.Client;
  const name = `neptune_test_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    databaseUrl: url.toString(),
    engine: 'postgres',
    dataDir,
    drop: async () => {
      const c = new Client({ connectionString: base });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export interface ApiResponse<T = unknown> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: T;
  text: string;
}

export interface TestServer {
  url: string;
  ca: string;
  db: TestDatabase;
  store: Store;
  /** The first account's admin key. */
  adminKey: string;
  /** The clock the server reads; tests move it. */
  clock: { now: Date };
  /** Makes another account (tenant) with its admin; returns the admin's key. */
  addAccount(handle: string, adminEmail: string): Promise<string>;
  // biome-ignore lint/suspicious/noExplicitAny: test responses are checked by the assertions
  call<T = any>(
    method: string,
    urlPath: string,
    options?: { key?: string; json?: unknown; body?: string; headers?: Record<string, string> },
  ): Promise<ApiResponse<T>>;
  close(): Promise<void>;
}

let pki: Promise<{ ca: string; cert: string; key: string }> | undefined;
function testPki() {
  pki ??= (async () => {
    const ca = await createCertificateAuthority('neptune server test CA');
    const leaf = await issueServerCertificate(ca, ['localhost', '127.0.0.1']);
    return { ca: ca.certPem, cert: leaf.chainPem, key: leaf.keyPem };
  })();
  return pki;
}

/** The engines the server suites run on: SQLite always, PostgreSQL when NEPTUNE_TEST_DATABASE_URL is set. */
export function testEngines(env: NodeJS.ProcessEnv = process.env): ('sqlite' | 'postgres')[] {
  return env.NEPTUNE_TEST_DATABASE_URL ? ['sqlite', 'postgres'] : ['sqlite'];
}

export const POSTGRES_SKIP_REASON =
  'PostgreSQL variants skipped: NEPTUNE_TEST_DATABASE_URL is not set (CI sets it to postgres://root@127.0.0.1:5432/test; ' +
  'each test file creates and drops its own database neptune_test_<random>)';

export async function startTestServer(
  options: Partial<BuildOptions> & { engine?: 'sqlite' | 'postgres' } = {},
): Promise<TestServer> {
  const { engine = 'sqlite', ...buildOptions } = options;
  const db = await testDatabase(engine === 'postgres' ? process.env : {});
  const clock = { now: new Date('2026-03-01T12:00:00.000Z') };
  // A suite that passes its own clock (agents sign assertions with the real time) gets accounts made by it too.
  const now = buildOptions.now ?? (() => clock.now);
  const { ca, cert, key } = await testPki();
  const init = (account: string, adminEmail: string) =>
    initServer({
      dataDir: db.dataDir,
      databaseUrl: db.databaseUrl,
      account,
      adminEmail,
      now: now(),
      env: { NEPTUNE_MASTER_KEY: randomBytes(32).toString('base64') },
    });
  const first = await init('acme', 'admin@acme.test');
  const opened = await openDatabase(parseTarget(db.databaseUrl, db.dataDir));
  const store = new Store(opened.db);
  const app = await build({
    store,
    version: 'test',
    now,
    https: { cert, key },
    ...buildOptions,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as { port: number };
  const url = `https://127.0.0.1:${port}`;
  const dispatcher = new Agent({ connect: { ca, rejectUnauthorized: true } });
  return {
    url,
    ca,
    db,
    store,
    adminKey: first.apiKey,
    clock,
    addAccount: async (handle, email) => (await init(handle, email)).apiKey,
    async call(method, urlPath, { key: apiKey, json, body, headers = {} } = {}) {
      const h: Record<string, string> = { ...headers };
      if (apiKey) h.authorization = `Bearer ${apiKey}`;
      let payload = body;
      if (json !== undefined) {
        payload = JSON.stringify(json);
        h['content-type'] ??= 'application/json';
      }
      const res = await request(`${url}${urlPath}`, {
        method: method as 'GET',
        headers: h,
        body: payload,
        dispatcher,
      });
      const text = await res.body.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {}
      return { status: res.statusCode, headers: res.headers, body: parsed as never, text };
    },
    async close() {
      await app.close();
      await dispatcher.close();
      await opened.close();
      await db.drop();
    },
  };
}

/** The remediation fixtures (test/fixtures/remediation): payloads of every source, runbooks. */
export const REMEDIATION_FIXTURES = path.join(import.meta.dirname, '../../test/fixtures/remediation');
export const remediationFixture = (name: string) =>
  readFileSync(path.join(REMEDIATION_FIXTURES, name), 'utf8');

/** The Alertmanager fixture with its fingerprint and labels replaced. */
export function alertmanagerAlert(fingerprint: string, labels: Record<string, string> = {}): string {
  const doc = JSON.parse(remediationFixture('alertmanager.json'));
  doc.alerts[0].fingerprint = fingerprint;
  Object.assign(doc.alerts[0].labels, labels);
  return JSON.stringify(doc);
}
