import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openAtomicWriter, writeFileAtomic } from './fs';

describe('writeFileAtomic', () => {
  it('replaces the file whole and leaves no temporary file', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'neptune-fs-'));
    const file = path.join(dir, 'sub', 'data.json');
    await writeFileAtomic(file, 'one');
    await writeFileAtomic(file, 'two');
    expect(readFileSync(file, 'utf8')).toBe('two');
    expect(readdirSync(path.dirname(file))).toEqual(['data.json']);
  });

  it('makes private files exactly 0600 in 0700 directories, whatever the umask', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'neptune-fs-'));
    const file = path.join(dir, 'private', 'secret');
    const previous = process.umask(0);
    try {
      await writeFileAtomic(file, 's3cret', { mode: 0o600 });
    } finally {
      process.umask(previous);
    }
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
  });

  it('keeps the old content when the write fails', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'neptune-fs-'));
    const file = path.join(dir, 'data');
    writeFileSync(file, 'old');
    // A directory where the target should be makes rename fail after the temp file is written.
    const target = path.join(dir, 'dir-target');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(path.join(target, 'x'), { recursive: true });
    await expect(writeFileAtomic(target, 'new')).rejects.toThrow();
    expect(readdirSync(dir).sort()).toEqual(['data', 'dir-target']);
    expect(readFileSync(file, 'utf8')).toBe('old');
  });
});

describe('openAtomicWriter', () => {
  it('writes the pieces to a temporary file that replaces the target only on commit', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'neptune-aw-'));
    const file = path.join(dir, 'sub', 'out.log');
    const w = await openAtomicWriter(file, { mode: 0o600 });
    await w.write('one\n');
    await w.write(Buffer.from('two\n'));
    expect(readdirSync(path.join(dir, 'sub')).filter((f) => f === 'out.log')).toEqual([]);
    await w.commit();
    expect(readFileSync(file, 'utf8')).toBe('one\ntwo\n');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(path.join(dir, 'sub'))).toEqual(['out.log']);
  });

  it('leaves the target as it was on abort', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'neptune-aw-'));
    const file = path.join(dir, 'out.log');
    writeFileSync(file, 'old');
    const w = await openAtomicWriter(file);
    await w.write('new');
    await w.abort();
    expect(readFileSync(file, 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['out.log']);
  });
});
