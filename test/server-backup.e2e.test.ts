/**
 * Backups through the real CLI: an online SQLite snapshot while the server runs, restore (refused while it runs)
 * giving back identical data, retention in a backup directory, and PostgreSQL pointing at its own tools.
 */
import { copyFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempHome } from './helpers/cli';
import { reportSkippedEngines, type StartedServer, startServer, testEngines } from './helpers/server';

reportSkippedEngines();

/** Every row of every table, in a stable order: equal dumps mean identical data. */
function dump(file: string): string {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    const tables = (
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as {
        name: string;
      }[]
    ).map((t) => t.name);
    const out: Record<string, unknown[]> = {};
    for (const table of tables) {
      const rows = db.prepare(`SELECT * FROM "${table}"`).all() as Record<string, unknown>[];
      out[table] = rows.map((r) => JSON.stringify(r)).sort();
    }
    return JSON.stringify(out);
  } finally {
    db.close();
  }
}

describe('server backup and restore (SQLite)', () => {
  let server: StartedServer;
  const home = tempHome();
  const cli = (args: string[], input?: string) => runCli(args, { home, input });

  beforeAll(async () => {
    server = await startServer();
    const login = await cli(
      ['login', '--api-url', server.url, '--ca-file', server.caFile, '--with-token'],
      server.apiKey,
    );
    expect(login.code).toBe(0);
    await cli(['users', 'invite', 'ana@acme.test', '--role', 'operator']);
    await cli(['apikeys', 'create', '--name', 'before-backup', '--scope', 'read']);
  });
  afterAll(async () => {
    await server?.dispose();
  });

  it('an online backup holds exactly the data at that time; restore gives it back', async () => {
    const db = path.join(server.dataDir, 'neptune.db');
    await server.stop();
    const before = dump(db);
    await server.restart();
    const out = path.join(server.dataDir, '..', 'backup.db');
    const backup = await cli(['server', 'backup', '--data-dir', server.dataDir, '--out', out, '--json']);
    expect(backup.code).toBe(0);
    expect(JSON.parse(backup.stdout)).toMatchObject({ file: out, removed: [] });
    expect(dump(out)).toBe(before);

    const later = (
      await cli(['apikeys', 'create', '--name', 'after-backup', '--scope', 'read'])
    ).stdout.trim();
    expect(later).toMatch(/^nep_/);
    const running = await cli(['server', 'restore', '--data-dir', server.dataDir, '--from', out, '--yes']);
    expect(running.code).toBe(78);
    expect(running.stderr).toContain('is running');

    await server.stop();
    expect((await cli(['server', 'restore', '--data-dir', server.dataDir, '--from', out])).code).toBe(64);
    const restore = await cli(['server', 'restore', '--data-dir', server.dataDir, '--from', out, '--yes']);
    expect(restore.code).toBe(0);
    expect(dump(db)).toBe(before);
    await server.restart();
    expect((await cli(['whoami'])).code).toBe(0);
    const gone = await runCli(['whoami', '--api-url', server.url, '--ca-file', server.caFile], {
      env: { NEPTUNE_TOKEN: later },
    });
    expect(gone.code).toBe(77);
  }, 90_000);

  it('refuses a file that is not a neptune backup (65) or does not exist (66)', async () => {
    await server.stop();
    const junk = path.join(server.dataDir, '..', 'junk.db');
    await writeFile(junk, 'not a database at all');
    const r = await cli(['server', 'restore', '--data-dir', server.dataDir, '--from', junk, '--yes']);
    expect(r.code).toBe(65);
    expect(r.stderr).toContain('not a neptune backup');
    const missing = await cli([
      'server',
      'restore',
      '--data-dir',
      server.dataDir,
      '--from',
      `${junk}.nope`,
      '--yes',
    ]);
    expect(missing.code).toBe(66);
    await server.restart();
  });

  it('in a directory: time-named backups, thinned by --keep-daily and --keep-weekly', async () => {
    const dir = path.join(server.dataDir, '..', 'backups');
    const first = await cli(['server', 'backup', '--data-dir', server.dataDir, '--out', `${dir}/`, '--json']);
    expect(first.code).toBe(0);
    const file = JSON.parse(first.stdout).file as string;
    expect(path.basename(file)).toMatch(/^neptune-\d{8}T\d{6}Z\.db$/);
    // Older backups: two on one day long ago, one a week before that, and a file that is not a backup.
    const old = ['neptune-20200106T010000Z.db', 'neptune-20200106T020000Z.db', 'neptune-20191230T010000Z.db'];
    for (const name of old) await copyFile(file, path.join(dir, name));
    await writeFile(path.join(dir, 'notes.txt'), 'keep me');
    const second = await cli([
      'server',
      'backup',
      '--data-dir',
      server.dataDir,
      '--out',
      dir,
      '--keep-daily',
      '2',
      '--keep-weekly',
      '1',
      '--json',
    ]);
    expect(second.code).toBe(0);
    const result = JSON.parse(second.stdout);
    const names = (await readdir(dir)).sort();
    // 2 days: today's newest and 2020-01-06 02:00; 1 week: this week's newest. The rest go; other files stay.
    const today = path.basename(result.file);
    const kept = [...new Set([today, 'neptune-20200106T020000Z.db'])];
    expect(names).toEqual([...kept, 'notes.txt'].sort());
    expect(result.removed).toEqual(
      [
        'neptune-20191230T010000Z.db',
        'neptune-20200106T010000Z.db',
        ...(today === path.basename(file) ? [] : [path.basename(file)]),
      ].sort(),
    );
    const flagOnFile = await cli([
      'server',
      'backup',
      '--data-dir',
      server.dataDir,
      '--out',
      path.join(dir, 'x.db'),
      '--keep-daily',
      '1',
    ]);
    expect(flagOnFile.code).toBe(64);
  });
});

describe.each(testEngines().filter((e) => e === 'postgres'))('server backup on %s', (engine) => {
  let server: StartedServer;
  beforeAll(async () => {
    server = await startServer({ engine });
  });
  afterAll(async () => {
    await server?.dispose();
  });

  it('points to PostgreSQL’s own tools (64)', async () => {
    const r = await runCli(['server', 'backup', '--data-dir', server.dataDir, '--out', '/tmp/x.db']);
    expect(r.code).toBe(64);
    expect(r.stderr).toContain('pg_dump');
  });
});
