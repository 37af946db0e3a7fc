/**
 * ShellCheck as an optional extra source: one batched `shellcheck -f json1 --norc` process per dialect group
 * (files without a shebang get `--shell sh`, as the agent runs them with /bin/sh), never one process per file.
 * Texts that are not on disk (stdin, --fix-dry-run) are written to a private temporary directory first.
 */
import { accessSync, constants } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { unavailable } from '../core/errors';
import type { Severity } from './types';

export interface ScComment {
  file: string;
  line: number;
  endLine: number;
  column: number;
  endColumn: number;
  level: 'error' | 'warning' | 'info' | 'style';
  code: number;
  message: string;
}

export interface ScInput {
  /** A key for the results (the display path). */
  key: string;
  /** The file on disk holding exactly `text`, or null. */
  diskPath: string | null;
  text: string;
  /** `sh` for files without a shebang (or the --shell dialect), null to let ShellCheck read the shebang. */
  dialect: 'sh' | 'bash' | null;
}

/** Finds the executable: `auto` looks on PATH (null when absent), a path must exist (else exit 69). */
export function resolveShellcheck(mode: string, envPath = process.env.PATH ?? ''): string | null {
  if (mode === 'off') return null;
  if (mode === 'auto') {
    for (const dir of envPath.split(path.delimiter)) {
      if (!dir) continue;
      const candidate = path.join(dir, 'shellcheck');
      if (isExecutable(candidate)) return candidate;
    }
    return null;
  }
  if (!isExecutable(mode))
    throw unavailable('RUNBOOK_LINT_SHELLCHECK_MISSING', `shellcheck not found at ${mode}`, {
      hint: 'install it (apt-get install shellcheck), pass its path, or use --shellcheck off',
    });
  return path.resolve(mode);
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

const SEVERITY_FLAG: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'style' };

async function run(bin: string, args: string[]): Promise<string> {
  const { execFile } = await import('node:child_process');
  return new Promise((resolve, reject) => {
    execFile(bin, args, { maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' }, (error, stdout, stderr) => {
      // 0 clean, 1 issues; 2 file error and 3 syntax still print json1; 4 is a bad option.
      const code = (error as { code?: number } | null)?.code;
      if (error && typeof code !== 'number') return reject(error);
      if (code === 4)
        return reject(
          unavailable('RUNBOOK_LINT_SHELLCHECK_FAILED', `shellcheck refused its options: ${stderr.trim()}`),
        );
      resolve(stdout);
    });
  });
}

/** Runs ShellCheck over all inputs; results by input key. */
export async function shellcheckFiles(
  bin: string,
  inputs: ScInput[],
  floor: Severity,
): Promise<Map<string, ScComment[]>> {
  const out = new Map<string, ScComment[]>();
  if (inputs.length === 0) return out;
  // loaded here, not with the module: a run with ShellCheck off (or not installed) never needs them
  const { mkdir, mkdtemp, rm, writeFile } = await import('node:fs/promises');
  let tmp: string | null = null;
  const byPath = new Map<string, string>();
  try {
    const groups = new Map<string, string[]>();
    let n = 0;
    for (const input of inputs) {
      let file = input.diskPath;
      if (file === null) {
        tmp ??= await mkdtemp(path.join(os.tmpdir(), 'neptune-lint-'));
        file = path.join(tmp, String(n++), path.basename(input.key) || 'stdin');
        await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
        await writeFile(file, input.text, { flag: 'wx', mode: 0o600 });
      }
      byPath.set(file, input.key);
      const group = input.dialect ?? '';
      if (!groups.has(group)) groups.set(group, []);
      groups.get(group)!.push(file);
    }
    for (const [dialect, files] of groups) {
      // chunks keep the command line well under ARG_MAX; each chunk is one process
      for (let i = 0; i < files.length; i += 2000) {
        const args = ['-f', 'json1', '--norc', '-S', SEVERITY_FLAG[floor], '-e', 'SC2148'];
        if (dialect) args.push('--shell', dialect);
        args.push('--', ...files.slice(i, i + 2000));
        const stdout = await run(bin, args);
        const parsed = JSON.parse(stdout || '{"comments":[]}') as { comments: ScComment[] };
        for (const c of parsed.comments) {
          const key = byPath.get(c.file) ?? c.file;
          if (!out.has(key)) out.set(key, []);
          out.get(key)!.push({ ...c, file: key });
        }
      }
    }
  } finally {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  }
  return out;
}

export function scSeverity(level: ScComment['level']): Severity {
  return level === 'error' ? 'error' : level === 'warning' ? 'warning' : 'info';
}
