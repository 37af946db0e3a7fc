import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findConfig, loadConfig } from './config';

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'neptune-lint-config-'));
  roots.push(root);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  }
  return root;
}

describe('findConfig (.neptune/runbook-lint.yaml, searched upward)', () => {
  it('finds the nearest one above the working directory', async () => {
    const root = tree({ '.neptune/runbook-lint.yaml': 'profile: min\n', 'a/b/x.sh': '' });
    expect(await findConfig(path.join(root, 'a/b'))).toBe(path.join(root, '.neptune/runbook-lint.yaml'));
    expect((await loadConfig({ cwd: path.join(root, 'a/b') })).config).toEqual({ profile: 'min' });
  });

  it('passes over a file named .neptune and a directory named like the config on the way up', async () => {
    const root = tree({
      '.neptune/runbook-lint.yaml': 'profile: basic\n',
      'a/.neptune': 'not a directory',
      'a/b/.neptune/runbook-lint.yaml/keep': '',
      'a/b/c/x.sh': '',
    });
    expect(await findConfig(path.join(root, 'a/b/c'))).toBe(path.join(root, '.neptune/runbook-lint.yaml'));
  });
});
