/**
 * The CLI as a user meets it: version, help, typos, usage errors, completion. Runs against bin/neptune, and against
 * the built executable with NEPTUNE_BIN=dist/neptune (npm run test:exe).
 */
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import pjson from '../package.json';
import { BIN, cliEnv, runCli, tempHome } from './helpers/cli';

/** Runs neptune with its stdout read until the first newline and then closed, as `neptune … | head -1` does. */
function firstLineThenClose(args: string[]): Promise<{ code: number | null; line: string; stderr: string }> {
  const home = tempHome();
  return new Promise((resolve, reject) => {
    const child = spawn(BIN, args, { cwd: home, env: cliEnv(home), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.stdout.on('data', (chunk) => {
      out += chunk;
      if (out.includes('\n')) child.stdout.destroy();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, line: out.split('\n')[0]!, stderr }));
  });
}

describe('neptune (the CLI)', () => {
  it.each([
    ['the launcher', ['allowlist', '--service', 'AMAZON', '--format', 'range']],
    ['the full CLI', ['allowlist', '--service', 'AMAZON', '--json']],
  ])('stops quietly when the reader of its output goes away (%s)', async (_path, args) => {
    const r = await firstLineThenClose(args);
    expect(r.line).not.toBe('');
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
  });

  it('--version prints the version and the pinned Node runtime', async () => {
    const r = await runCli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`neptune/${pjson.version} ${process.platform}-${process.arch} node-v24.21.0\n`);
    expect(r.stderr).toBe('');
  });

  it('--help lists the commands, exit codes and environment', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('USAGE\n  $ neptune [COMMAND]');
    expect(r.stdout).toContain('autocomplete');
    expect(r.stdout).toMatch(/EXIT CODES[\s\S]*\n {2}64 +bad command line/);
    expect(r.stdout).toMatch(/NEPTUNE_CONFIG_DIR/);
    expect(r.stderr).toBe('');
  });

  it('lists only topics whose commands exist', async () => {
    const { COMMANDS } = await import('../src/commands');
    const topics = new Set(Object.keys(COMMANDS).map((id) => id.split(':')[0]));
    const r = await runCli(['--help']);
    // Topics with commands of their own are under TOPICS, single commands under COMMANDS.
    const section = (name: string) =>
      (r.stdout.split(`\n${name}\n`)[1] ?? '')
        .split('\n\n')[0]!
        .split('\n')
        .filter((line) => /^ {2}\S/.test(line))
        .map((line) => line.trim().split(/\s+/)[0]);
    const listed = [...section('TOPICS'), ...section('COMMANDS')];
    expect(new Set(listed)).toEqual(topics);
  });

  it('suggests the nearest command for a typo and exits 127', async () => {
    const r = await runCli(['autocompelte', 'bash']);
    expect(r.code).toBe(127);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('autocompelte is not a neptune command');
    expect(r.stderr).toContain('did you mean neptune autocomplete?');
  });

  it('exits 127 with a pointer to --help when nothing is near', async () => {
    const r = await runCli(['frobnicate']);
    expect(r.code).toBe(127);
    expect(r.stderr.trim().split('\n')).toEqual([
      'error: frobnicate is not a neptune command',
      'hint: see neptune --help for the list of commands',
    ]);
  });

  it('a bad argument or an unknown flag is a usage error: one line, a hint, exit 64', async () => {
    for (const args of [
      ['autocomplete', 'fish'],
      ['autocomplete', '--frob'],
    ]) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(64);
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatch(/^error: /);
      expect(lines[1]).toBe('hint: see neptune autocomplete --help');
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('prints no colour when stderr is not a terminal', async () => {
    const r = await runCli(['frobnicate'], { env: { FORCE_COLOR: undefined } });
    expect(r.stderr).not.toContain('\u001b[');
  });

  it('prints a bash completion script that completes topics, commands and flags', async () => {
    const r = await runCli(['autocomplete', 'bash']);
    expect(r.code).toBe(0);
    const home = tempHome();
    const script = path.join(home, 'neptune.bash');
    writeFileSync(script, r.stdout);
    const complete = (words: string[], cword: number) =>
      spawnSync(
        'bash',
        [
          '-c',
          `source ${script}; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${cword}; _neptune; printf '%s\\n' "\${COMPREPLY[@]}"`,
        ],
        { encoding: 'utf8' },
      ).stdout.trim();
    expect(complete(['neptune', 'autoc'], 1)).toBe('autocomplete');
    expect(complete(['neptune', 'autocomplete', '--q'], 2)).toBe('--quiet');
  });

  it('prints a zsh completion script from $SHELL', async () => {
    const r = await runCli(['autocomplete'], { env: { SHELL: '/usr/bin/zsh' } });
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('#compdef neptune');
    expect(r.stdout).toContain('compdef _neptune neptune');
    expect(r.stdout).toContain('autocomplete|');
  });
});
