/**
 * `neptune runbook lint` runs from its own bundle (src/runbook/main.ts, decision 0209); NEPTUNE_NO_FAST_PATH=1
 * makes the launcher take the full CLI's oclif command instead. Both paths must behave alike: the same stdout,
 * stderr, exit code and written files for good and bad argv. From source, and with NEPTUNE_BIN the executable.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, runCli } from './helpers/cli';

const HAZARDS = path.join(REPO, 'test/fixtures/runbook/corpus/hazards');
const OCLIF = { NEPTUNE_NO_FAST_PATH: '1' };

describe('runbook lint: the lint bundle and the oclif command', { timeout: 240_000 }, () => {
  it('give the same stdout, stderr, exit code and files for the same argv', async () => {
    const work = mkdtempSync(path.join(os.tmpdir(), 'neptune-lint-bundle-'));
    const badConfig = path.join(work, 'bad.yaml');
    writeFileSync(badConfig, 'profile: [\n');
    mkdirSync(path.join(work, 'out'));
    const out = (name: string) => path.join(work, 'out', name);
    const table: { args: string[]; input?: string; files?: string[] }[] = [
      // Parsed by the lint bundle; the run (and its errors) are the shared code's.
      { args: ['.'] },
      { args: ['--profile', 'production', '-f', 'compact', '.'] },
      { args: ['--profile=basic', '--fail-on', 'warning', '--max-warnings', '3', '-f', 'github', '.'] },
      {
        args: ['-f', 'json=OUT/a.json', '-f', 'sarif=OUT/a.sarif', '--no-color', '.'],
        files: ['a.json', 'a.sarif'],
      },
      { args: ['--enable', 'SC2086', '--disable', 'SAF', '--only', 'SEC001', '--only', 'SAF003', '.'] },
      { args: ['--severity', 'warning', '--shell', 'bash', '--param-prefix', 'ALERT_', '-q', '.'] },
      { args: ['--max-timeout', '5m', '--no-config', '--max-warnings=0', '.'] },
      { args: ['--fix-dry-run', '--fix-unsafe', '.'] },
      { args: ['-', '--stdin-filename', 'restart.sh'], input: '#!/bin/sh\nkill -9 $NP_PID\n' },
      { args: ['--list-rules'] },
      { args: ['--explain', 'SAF003'] },
      { args: ['--explain', 'NOPE999'] },
      { args: ['--print-schema'] },
      { args: ['--print-config', '--profile', 'min'] },
      { args: ['--profile', 'bogus', '.'] },
      { args: ['-f', 'nope', '.'] },
      { args: ['--max-timeout', 'soon', '.'] },
      { args: ['-c', badConfig, '.'] },
      { args: ['-c', badConfig, '--debug', '.'] },
      { args: ['/nonexistent/runbooks'] },
      // Declined by the lint bundle: oclif parses and judges.
      { args: ['--help'] },
      { args: ['-h'] },
      { args: ['--json', '.'] },
      { args: ['--bogus', '.'] },
      { args: ['--profile'] },
      { args: ['--profile', ''] },
      { args: ['--profile', 'min', '--profile', 'basic', '.'] },
      { args: ['--severity', 'loud', '.'] },
      { args: ['--max-warnings', '-1', '.'] },
      { args: ['--max-warnings', 'many', '.'] },
      { args: ['--fix=yes', '.'] },
      { args: ['-fcompact', '.'] },
      { args: ['--quiet', '-q', '.'] },
      { args: ['--', '.'] },
    ];
    for (const { args: raw, input, files } of table) {
      const args = [
        'runbook',
        'lint',
        '--shellcheck',
        'off',
        ...raw.map((a) => a.replace('OUT/', `${work}/out/`)),
      ];
      const run = async (env: Record<string, string>) => {
        const r = await runCli(args, { cwd: HAZARDS, env, ...(input === undefined ? {} : { input }) });
        return { ...r, files: (files ?? []).map((f) => readFileSync(out(f), 'utf8')) };
      };
      const fast = await run({});
      const oclif = await run(OCLIF);
      // A --debug stack names different bundles; the lines a user reads must match.
      const shown = (stderr: string) => (raw.includes('--debug') ? stderr.split('\n').slice(0, 2) : stderr);
      expect({
        raw,
        code: fast.code,
        stdout: fast.stdout,
        stderr: shown(fast.stderr),
        files: fast.files,
      }).toEqual({
        raw,
        code: oclif.code,
        stdout: oclif.stdout,
        stderr: shown(oclif.stderr),
        files: oclif.files,
      });
    }
  });
});
