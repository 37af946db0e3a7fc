/**
 * Opens the store's database: SQLite (node:sqlite, WAL) in the data directory by default, PostgreSQL with a
 * connection URL. Everything above this file talks to kysely and does not know which engine it has.
 */
import { chmodSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Kysely as KyselyType, type LogEvent, PostgresDialect, SqliteDialect } from 'kysely';
import { configError, unavailable } from '../../core/errors';
import type { Engine } from './migrations';
import type { Database } from './schema';
import { NodeSqliteDatabase } from './sqlite';

export type StoreTarget = { engine: 'sqlite'; file: string } | { engine: 'postgres'; url: string };

export interface OpenOptions {
  /** Called after each query, with its duration (for the store metrics). */
  onQuery?: (durationMs: number, failed: boolean) => void;
  /** PostgreSQL pool size per process. */
  poolSize?: number;
}

export interface OpenDatabase {
  db: KyselyType<Database>;
  engine: Engine;
  close(): Promise<void>;
}

/** Redacts the password of a database URL for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable URL)';
  }
}

export function parseTarget(databaseUrl: string | undefined, dataDir: string): StoreTarget {
  if (!databaseUrl) return { engine: 'sqlite', file: path.join(dataDir, 'neptune.db') };
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    throw configError('SERVER_DATABASE_URL_INVALID', 'the database URL is not a valid URL', {
      hint: 'use postgres://USER[:PASSWORD]@HOST:PORT/DATABASE',
    });
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw configError('SERVER_DATABASE_URL_INVALID', `unsupported database URL scheme ${url.protocol}`, {
      hint: 'use postgres://…, or leave out --database-url for SQLite in the data directory',
    });
  }
  return { engine: 'postgres', url: databaseUrl };
}

export async function openDatabase(target: StoreTarget, options: OpenOptions = {}): Promise<OpenDatabase> {
  const { Kysely } = await import('kysely');
  const log = options.onQuery
    ? (event: LogEvent) => options.onQuery?.(event.queryDurationMillis, event.level === 'error')
    : undefined;
  if (target.engine === 'sqlite') {
    const { DatabaseSync } = await import('node:sqlite');
    mkdirSync(path.dirname(target.file), { recursive: true, mode: 0o700 });
    let raw: InstanceType<typeof DatabaseSync>;
    try {
      raw = new DatabaseSync(target.file);
      // The database holds key hashes and sealed secrets: owner only (SQLite gives its WAL the same mode).
      chmodSync(target.file, 0o600);
      raw.exec('PRAGMA journal_mode = WAL');
      // NORMAL is durable across process crashes in WAL mode; only an OS crash can lose the last commits.
      raw.exec('PRAGMA synchronous = NORMAL');
      raw.exec('PRAGMA foreign_keys = ON');
      raw.exec('PRAGMA busy_timeout = 5000');
    } catch (error) {
      throw configError(
        'SERVER_DATABASE_UNREADABLE',
        `cannot open ${target.file}: ${(error as Error).message}`,
        {
          hint: 'check the data directory and its permissions',
          cause: error,
        },
      );
    }
    const db = new Kysely<Database>({
      dialect: new SqliteDialect({ database: new NodeSqliteDatabase(raw) }),
      ...(log ? { log } : {}),
    });
    return { db, engine: 'sqlite', close: () => db.destroy() };
  }
  const pg = await import('pg');
  const Pool = pg.default?.Pool ?? pg.Pool;
  const types = pg.default?.types ?? pg.types;
  const pool = new Pool({
    connectionString: target.url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: 10_000,
    // count(*) and bigint columns come back as numbers (they stay far below 2^53 here).
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === 20 ? Number : types.getTypeParser(oid, format)) as typeof types.getTypeParser,
    },
  });
  // An idle client that loses its connection must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  try {
    const client = await pool.connect();
    client.release();
  } catch (error) {
    await pool.end().catch(() => {});
    throw unavailable(
      'SERVER_DATABASE_UNREACHABLE',
      `cannot connect to ${redactUrl(target.url)}: ${(error as Error).message}`,
      { hint: 'check that PostgreSQL is running and the URL, user and database are right', cause: error },
    );
  }
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), ...(log ? { log } : {}) });
  return { db, engine: 'postgres', close: () => db.destroy() };
}
