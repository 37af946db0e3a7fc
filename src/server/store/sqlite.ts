/**
 * Kysely's SqliteDialect on Node's built-in `node:sqlite` (kysely ships an adapter interface shaped like
 * better-sqlite3's; node:sqlite needs no native addon, which matters for the single executable).
 */
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

const CACHE_LIMIT = 256;

type Param = null | number | bigint | string | NodeJS.ArrayBufferView;

export class NodeSqliteDatabase implements SqliteDatabase {
  // Preparing is most of the cost of a small query; the API runs the same few statements over and over.
  private readonly statements = new Map<string, SqliteStatement>();

  constructor(readonly db: DatabaseSync) {}

  close(): void {
    this.statements.clear();
    this.db.close();
  }

  prepare(sql: string): SqliteStatement {
    const cached = this.statements.get(sql);
    if (cached) return cached;
    const stmt: StatementSync = this.db.prepare(sql);
    const params = (p: ReadonlyArray<unknown>) => p as Param[];
    const wrapped: SqliteStatement = {
      reader: stmt.columns().length > 0,
      all: (p) => stmt.all(...params(p)),
      run: (p) => stmt.run(...params(p)),
      iterate: (p) => stmt.iterate(...params(p)),
    };
    if (this.statements.size >= CACHE_LIMIT) this.statements.clear();
    this.statements.set(sql, wrapped);
    return wrapped;
  }
}
