/**
 * neptune audit verify on exports: the committed fixture (an export whose format must stay verifiable), and
 * tampered copies of it, each named by line and row id with exit 1.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rowHash } from '../src/audit/row';
import { REPO, runCli, tempHome } from './helpers/cli';

const FIXTURES = path.join(REPO, 'test/fixtures/signing');
const EXPORT = readFileSync(path.join(FIXTURES, 'audit-export.jsonl'), 'utf8');
const LINES = EXPORT.trimEnd().split('\n');

function workdir(lines: string[] = LINES): string {
  const dir = tempHome();
  cpSync(path.join(FIXTURES, 'audit.jwks'), path.join(dir, 'audit.jwks'));
  writeFileSync(path.join(dir, 'export.jsonl'), `${lines.join('\n')}\n`);
  return dir;
}

/** The fixture with one line replaced by `edit(parsed)`. */
function edited(lineNo: number, edit: (row: Record<string, unknown>) => void): string[] {
  const copy = [...LINES];
  const row = JSON.parse(copy[lineNo - 1]!);
  edit(row);
  copy[lineNo - 1] = JSON.stringify(row);
  return copy;
}

const verify = (dir: string, ...extra: string[]) =>
  runCli(['audit', 'verify', 'export.jsonl', '--pubkey', 'audit.jwks', ...extra], { home: dir });

describe('audit verify', () => {
  it('exit 0 on an untouched export, checking every checkpoint signature', async () => {
    const r = await verify(workdir());
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^ok: 8 rows in 2 account\(s\), 5 checkpoint signature\(s\) verified$/m);
    expect(r.stdout).toMatch(/acme: 6 rows, head #6 /);
    const j = await verify(workdir(), '--json');
    expect(JSON.parse(j.stdout)).toMatchObject({ ok: true, rows: 8, problems: [] });
  });

  it('reads stdin for "-", and without --pubkey says the signatures were not checked', async () => {
    const dir = workdir();
    const r = await runCli(['audit', 'verify', '-'], { home: dir, input: EXPORT });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/warning: checkpoint signatures were not checked/);
  });

  it('an edited row (one field changed in place): exit 1, names line and row', async () => {
    const r = await verify(workdir(edited(3, (row) => (row.actor = 'user:mallory'))));
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^line 3\tacme#2\tedited\trow acme#2 \(line 3\) was edited/m);
    expect(r.stderr).toMatch(
      /^error: export\.jsonl: the audit chain is broken: row acme#2 \(line 3\) was edited/m,
    );
  });

  it("an edited row whose hash was recomputed: named through the next row's link", async () => {
    const lines = edited(4, (row) => {
      (row.details as Record<string, unknown>).runbook = 'rm-rf';
      const { kind: _kind, ...rest } = row;
      row.hash = rowHash(rest as never);
    });
    const r = await verify(workdir(lines), '--json');
    expect(r.code).toBe(1);
    const { error } = JSON.parse(r.stdout);
    expect(error.code).toBe('AUDIT_CHAIN_BROKEN');
    expect(
      error.details.problems.map((p: { kind: string; id: string; line: number }) => [p.kind, p.id, p.line]),
    ).toEqual([['edited', 'acme#3', 4]]);
    expect(error.details.problems[0].message).toMatch(
      /re-hashed: row acme#4 \(line 5\) points to a different previous row/,
    );
  });

  it('a deleted row, an inserted row and swapped rows are each named', async () => {
    const deleted = LINES.filter((_, i) => i !== 4); // acme#4 (line 5)
    const d = await verify(workdir(deleted));
    expect(d.code).toBe(1);
    expect(d.stdout).toMatch(/\tacme#5\tdeleted\trow acme#4 is missing before row acme#5/);

    const forged = JSON.parse(LINES[4]!);
    forged.details = { exit: 0, note: 'nothing to see' };
    forged.hash = rowHash(
      ((({ kind: _k, ...rest }) => rest) as (r: Record<string, unknown>) => never)(forged),
    );
    const inserted = [...LINES.slice(0, 5), JSON.stringify(forged), ...LINES.slice(5)];
    const i = await verify(workdir(inserted));
    expect(i.code).toBe(1);
    expect(i.stdout).toMatch(/^line 6\tacme#4\tinserted\t/m);

    const swapped = [...LINES];
    [swapped[3], swapped[4]] = [LINES[4]!, LINES[3]!];
    const s = await verify(workdir(swapped));
    expect(s.code).toBe(1);
    expect(s.stdout).toMatch(/^line 5\tacme#3\treordered\trow acme#3 \(line 5\) is out of order/m);
  });

  it('checkpoints signed by another key are refused', async () => {
    const dir = workdir();
    const k = await runCli(['runbook', 'keygen', '--out', 'other.key'], { home: dir });
    expect(k.code).toBe(0);
    const r = await runCli(['audit', 'verify', 'export.jsonl', '--pubkey', 'other.key.jwks'], { home: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/\tunknown_key\tthe checkpoint at line 2 .*not trusted/);
  });

  it('bad input: missing file 66, bad JWKS 65, garbage lines are named (exit 1)', async () => {
    const dir = workdir([...LINES, 'garbage']);
    const missing = await runCli(['audit', 'verify', 'nope.jsonl'], { home: dir });
    expect([missing.code, missing.stderr]).toEqual([
      66,
      expect.stringMatching(/^error: nope\.jsonl: no such file/),
    ]);
    writeFileSync(path.join(dir, 'bad.jwks'), '{}');
    const bad = await runCli(['audit', 'verify', 'export.jsonl', '--pubkey', 'bad.jwks'], { home: dir });
    expect([bad.code, bad.stderr]).toEqual([65, expect.stringMatching(/bad\.jwks: no "keys" array/)]);
    const garbage = await verify(dir);
    expect([garbage.code, garbage.stdout]).toEqual([
      1,
      expect.stringMatching(/^line 14\t-\tmalformed\tline 14 is not JSON/m),
    ]);
    expect(garbage.stderr).not.toMatch(/\n\s+at /);
  });
});
