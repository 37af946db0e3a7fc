/** Applying and checking the schema migrations. */
import type { Kysely } from 'kysely';
import { configError, internalError } from '../../core/errors';
import { type Engine, migrations, migrator } from './migrations';

export async function migrateToLatest(db: Kysely<unknown>, engine: Engine): Promise<string[]> {
  const { error, results } = await migrator(db, engine).migrateToLatest();
  if (error) {
    throw internalError('SERVER_MIGRATION_FAILED', `a schema migration failed: ${(error as Error).message}`, {
      cause: error,
      hint: 'the failed migration was rolled back where the engine allows; see the server log and report it',
    });
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** `server start` refuses a database whose schema is behind (run init) or ahead (a newer neptune wrote it). */
export async function checkSchema(db: Kysely<unknown>, engine: Engine): Promise<void> {
  const applied = await migrator(db, engine).getMigrations();
  const pending = applied.filter((m) => !m.executedAt).map((m) => m.name);
  if (pending.length > 0) {
    throw configError(
      'SERVER_SCHEMA_OUTDATED',
      `the database schema is behind: ${pending.join(', ')} not applied`,
      {
        hint: 'run neptune server init with the same --data-dir (and --database-url) to apply the migrations',
      },
    );
  }
  const known = new Set(Object.keys(migrations(engine)));
  const tables = await db.introspection.getTables({ withInternalKyselyTables: true });
  if (!tables.some((t) => t.name === 'kysely_migration')) return;
  const rows = (await (db as Kysely<{ kysely_migration: { name: string } }>)
    .selectFrom('kysely_migration')
    .select('name')
    .execute()) as { name: string }[];
  const unknown = rows.map((r) => r.name).filter((n) => !known.has(n));
  if (unknown.length > 0) {
    throw configError(
      'SERVER_SCHEMA_NEWER',
      `the database has migrations this neptune does not know: ${unknown.join(', ')}`,
      {
        hint: 'run the neptune version that created them, or a newer one',
      },
    );
  }
}
