/**
 * Backups of the embedded SQLite store: `VACUUM INTO` makes a consistent snapshot while the server runs (readers and
 * writers go on), written beside the target and renamed over it, so a backup file is whole or absent. Given a
 * directory, backups are named by their UTC time and thinned by retention (--keep-daily, --keep-weekly). PostgreSQL
 * is backed up with its own tools (pg_dump, or base backups with WAL archiving): docs/server.md.
 *
 * Restore replaces the data directory's database by a verified backup while the server is stopped.
 */
import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { configError, dataError, fromFsError, usageError } from '../core/errors';
import { requireServerConfig } from './datadir';
import { migrations } from './store/migrations';

export const PID_FILE = 'server.pid';
export const DB_FILE = 'neptune.db';
const BACKUP_NAME = /^neptune-(\d{8})T(\d{6})Z\.db$/;

export interface BackupOptions {
  dataDir: string;
  out: string;
  keepDaily?: number;
  keepWeekly?: number;
  now?: Date;
}

export interface BackupResult {
  file: string;
  bytes: number;
  /** Older backups removed by retention. */
  removed: string[];
}

async function isDirectory(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

function stamp(now: Date): string {
  return `${now.toISOString().replace(/[-:]/g, '').slice(0, 15)}Z`;
}

/** ISO 8601 week of a UTC date, as `YYYY-Www`. */
export function isoWeek(date: Date): string {
  const d = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  const day = d.getUTCDay() || 7;
  d.setUTCDate(d.getUTCDate() + 4 - day);
  const yearStart = Date.UTC(d.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((d.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${d.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

/**
 * Which backups to keep: the newest of each of the last `keepDaily` days that have backups, the newest of each of the
 * last `keepWeekly` ISO weeks that have backups, and always the newest of all (restic's and borg's rule).
 */
export function retained(times: readonly Date[], keepDaily: number, keepWeekly: number): Set<number> {
  const order = times.map((t, i) => [t.getTime(), i] as const).sort((a, b) => b[0] - a[0]);
  const keep = new Set<number>();
  if (order.length > 0) keep.add(order[0]![1]);
  const pass = (n: number, bucket: (d: Date) => string) => {
    const seen = new Set<string>();
    for (const [time, index] of order) {
      if (seen.size >= n) break;
      const key = bucket(new Date(time));
      if (seen.has(key)) continue;
      seen.add(key);
      keep.add(index);
    }
  };
  pass(keepDaily, (d) => d.toISOString().slice(0, 10));
  pass(keepWeekly, isoWeek);
  return keep;
}

function backupTime(name: string): Date | undefined {
  const m = BACKUP_NAME.exec(name);
  if (!m) return undefined;
  const [d, t] = [m[1]!, m[2]!];
  return new Date(
    `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6)}T${t.slice(0, 2)}:${t.slice(2, 4)}:${t.slice(4)}Z`,
  );
}

async function sqliteFile(dataDir: string, what: string): Promise<string> {
  const config = await requireServerConfig(dataDir);
  if (config.databaseUrl) {
    throw usageError(
      `SERVER_${what.toUpperCase()}_POSTGRES`,
      `this server keeps its data in PostgreSQL; neptune server ${what} handles SQLite only`,
      {
        hint: "use PostgreSQL's own tools: pg_dump --format=custom / pg_restore, or base backups with WAL archiving (see docs/server.md)",
      },
    );
  }
  return path.join(dataDir, DB_FILE);
}

export async function backupServer(options: BackupOptions): Promise<BackupResult> {
  const dataDir = path.resolve(options.dataDir);
  const source = await sqliteFile(dataDir, 'backup');
  const now = options.now ?? new Date();
  const intoDir = (await isDirectory(options.out)) || options.out.endsWith('/');
  if (!intoDir && (options.keepDaily !== undefined || options.keepWeekly !== undefined)) {
    throw usageError(
      'SERVER_BACKUP_RETENTION_FILE',
      '--keep-daily and --keep-weekly need --out to be a directory',
      {
        hint: 'pass a directory to --out; backups in it are named by time and thinned',
      },
    );
  }
  const file = intoDir ? path.join(options.out, `neptune-${stamp(now)}.db`) : path.resolve(options.out);
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(4).toString('hex')}.tmp`);
  const { DatabaseSync } = await import('node:sqlite');
  let db: InstanceType<typeof DatabaseSync>;
  try {
    db = new DatabaseSync(source, { readOnly: true });
  } catch (error) {
    throw configError('SERVER_DATABASE_UNREADABLE', `cannot open ${source}: ${(error as Error).message}`, {
      hint: 'check the data directory',
    });
  }
  try {
    db.exec('PRAGMA busy_timeout = 10000');
    db.prepare('VACUUM INTO ?').run(tmp);
  } catch (error) {
    await rm(tmp, { force: true });
    throw configError('SERVER_BACKUP_FAILED', `cannot write the backup: ${(error as Error).message}`, {
      hint: `check that ${path.dirname(file)} is writable and has room`,
    });
  } finally {
    db.close();
  }
  const handle = await open(tmp, 'r+');
  await handle.chmod(0o600);
  await handle.sync();
  await handle.close();
  await rename(tmp, file);
  const bytes = (await stat(file)).size;
  const removed: string[] = [];
  if (intoDir && (options.keepDaily !== undefined || options.keepWeekly !== undefined)) {
    const names = (await readdir(options.out)).filter((n) => backupTime(n));
    const keep = retained(
      names.map((n) => backupTime(n)!),
      options.keepDaily ?? 0,
      options.keepWeekly ?? 0,
    );
    for (const [i, name] of names.entries()) {
      if (keep.has(i)) continue;
      await rm(path.join(options.out, name), { force: true });
      removed.push(name);
    }
  }
  return { file, bytes, removed: removed.sort() };
}

/** The pid in the data directory, if that process is alive (a running server holds the database). */
export async function runningPid(dataDir: string): Promise<number | undefined> {
  let text: string;
  try {
    const { readFile } = await import('node:fs/promises');
    text = await readFile(path.join(dataDir, PID_FILE), 'utf8');
  } catch {
    return undefined;
  }
  const pid = Number(text.trim());
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? pid : undefined;
  }
}

export interface RestoreResult {
  file: string;
  from: string;
  accounts: number;
}

/** Checks that `file` is a whole neptune database this version can run. */
async function verifyBackup(file: string): Promise<{ accounts: number }> {
  const { DatabaseSync } = await import('node:sqlite');
  let db: InstanceType<typeof DatabaseSync>;
  try {
    await stat(file);
  } catch (error) {
    throw fromFsError(error, file);
  }
  const bad = (why: string) =>
    dataError('SERVER_RESTORE_INVALID', `${file} is not a neptune backup: ${why}`, {
      hint: 'pass a file made by neptune server backup',
    });
  try {
    db = new DatabaseSync(file, { readOnly: true });
  } catch (error) {
    throw bad((error as Error).message);
  }
  try {
    const check = db.prepare('PRAGMA integrity_check').get() as { integrity_check?: string } | undefined;
    if (check?.integrity_check !== 'ok') throw bad('the integrity check failed');
    const names = (db.prepare('SELECT name FROM kysely_migration').all() as { name: string }[]).map(
      (r) => r.name,
    );
    const known = new Set(Object.keys(migrations('sqlite')));
    const unknown = names.filter((n) => !known.has(n));
    if (unknown.length > 0) {
      throw dataError(
        'SERVER_RESTORE_NEWER',
        `${file} was written by a newer neptune (${unknown.join(', ')})`,
        {
          hint: 'restore it with the neptune version that made it, or a newer one',
        },
      );
    }
    const row = db.prepare('SELECT count(*) AS n FROM accounts').get() as { n: number };
    return { accounts: Number(row.n) };
  } catch (error) {
    if ((error as { kind?: string }).kind) throw error;
    throw bad((error as Error).message);
  } finally {
    db.close();
  }
}

export async function restoreServer(options: { dataDir: string; from: string }): Promise<RestoreResult> {
  const dataDir = path.resolve(options.dataDir);
  const target = await sqliteFile(dataDir, 'restore');
  const pid = await runningPid(dataDir);
  if (pid) {
    throw configError('SERVER_RUNNING', `a server (pid ${pid}) is running on ${dataDir}`, {
      hint: 'stop it first (SIGTERM), then restore, then start it again',
    });
  }
  const from = path.resolve(options.from);
  const { accounts } = await verifyBackup(from);
  const tmp = path.join(dataDir, `.${DB_FILE}.${randomBytes(4).toString('hex')}.tmp`);
  await copyFile(from, tmp);
  const handle = await open(tmp, 'r+');
  await handle.chmod(0o600);
  await handle.sync();
  await handle.close();
  // The old database's WAL must not be replayed onto the restored one.
  await rm(`${target}-wal`, { force: true });
  await rm(`${target}-shm`, { force: true });
  await rename(tmp, target);
  return { file: target, from, accounts };
}
