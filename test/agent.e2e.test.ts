/**
 * `neptune agent install | uninstall | status` through the real CLI (from source, and with NEPTUNE_BIN the built
 * executable). systemctl is faked on PATH (a script that logs its arguments): the far side, not the CLI.
 */

import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, cliEnv, runCli } from './helpers/cli';

const root = mkdtempSync(path.join(os.tmpdir(), 'neptune-agent-e2e-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A PATH with a fake systemctl that appends its arguments to a log file. */
function fakeSystemctl(dir: string, exitCode = 0): { env: Record<string, string>; log: string } {
  const bin = path.join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  const log = path.join(dir, 'systemctl.log');
  writeFileSync(path.join(bin, 'systemctl'), `#!/bin/sh\necho "$*" >> '${log}'\nexit ${exitCode}\n`);
  chmodSync(path.join(bin, 'systemctl'), 0o755);
  return { env: { PATH: `${bin}:${process.env.PATH}` }, log };
}

const isRoot = process.getuid?.() === 0;

describe('neptune agent install --dry-run', () => {
  it('prints the plan and the unit, and changes nothing', async () => {
    const state = path.join(root, 'dry', 'state');
    const units = path.join(root, 'dry', 'units');
    const result = await runCli([
      'agent',
      'install',
      '--dry-run',
      '--user',
      'neptune-e2e-nobody',
      '--state-dir',
      state,
      '--unit-dir',
      units,
      '--exec',
      '/bin/sh',
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('would:\n  create system user neptune-e2e-nobody: useradd --system');
    expect(result.stdout).toContain(`ExecStart=/bin/sh agent start --state-dir ${state}\n`);
    expect(result.stdout).toContain('RestartPreventExitStatus=78\n');
    expect(existsSync(state)).toBe(false);
    expect(existsSync(units)).toBe(false);
  });

  it('gives the plan as JSON', async () => {
    const result = await runCli(['agent', 'install', '--dry-run', '--json', '--exec', '/bin/sh']);
    expect(result.code).toBe(0);
    const plan = JSON.parse(result.stdout);
    expect(plan).toMatchObject({ dryRun: true, unitPath: '/etc/systemd/system/neptune-agent.service' });
    expect(plan.unit).toContain('Type=notify\n');
    expect(plan.steps.at(-1)).toBe('run systemctl enable neptune-agent.service');
  });

  it('refuses bad input with one line and the documented exit code', async () => {
    const badUser = await runCli([
      'agent',
      'install',
      '--dry-run',
      '--user',
      'Bad User',
      '--exec',
      '/bin/sh',
    ]);
    expect(badUser.code).toBe(64);
    expect(badUser.stderr).toMatch(/^error: invalid user name "Bad User"\nhint: /);
    const relative = await runCli(['agent', 'install', '--dry-run', '--exec', 'neptune']);
    expect(relative.code).toBe(64);
    expect(relative.stderr).toContain('--exec needs an absolute path');
    const drain = await runCli([
      'agent',
      'install',
      '--dry-run',
      '--exec',
      '/bin/sh',
      '--drain-timeout',
      'soon',
    ]);
    expect(drain.code).toBe(64);
    expect(drain.stderr).not.toContain('    at ');
  });
});

describe('neptune agent install, status, uninstall on this host (systemctl faked)', () => {
  it('installs for an existing user, shows the state, and uninstalls', async () => {
    if (!isRoot) {
      console.log(
        'skipped: installing needs root (the refusal is tested in src/agent/systemd/install.test.ts)',
      );
      return;
    }
    const dir = path.join(root, 'real');
    const state = path.join(dir, 'state');
    const units = path.join(dir, 'units');
    const { env, log } = fakeSystemctl(dir);
    const install = await runCli(
      [
        'agent',
        'install',
        '--user',
        'nobody',
        '--state-dir',
        state,
        '--unit-dir',
        units,
        '--exec',
        '/bin/sh',
      ],
      { env },
    );
    expect(install.stderr).not.toContain('error');
    expect(install.code).toBe(0);
    expect(install.stdout).toContain('(enabled, not started)');
    expect(readFileSync(log, 'utf8')).toBe('daemon-reload\nenable neptune-agent.service\n');
    const unit = readFileSync(path.join(units, 'neptune-agent.service'), 'utf8');
    expect(unit).toContain('User=nobody\n');
    const info = statSync(state);
    expect(info.mode & 0o777).toBe(0o700);
    expect(info.uid).not.toBe(0);

    const status = await runCli(['agent', 'status', '--state-dir', state, '--json']);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({
      exists: true,
      enrolled: false,
      daemon: { running: false },
      running: [],
      spool: { actions: 0, bytes: 0 },
    });
    const human = await runCli(['agent', 'status'], { env: { NEPTUNE_STATE_DIR: state } });
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('enrolled   no: run `neptune agent enroll`');

    const uninstall = await runCli(['agent', 'uninstall', '--state-dir', state], { env });
    expect(uninstall.code).toBe(0);
    expect(existsSync(path.join(units, 'neptune-agent.service'))).toBe(false);
    expect(existsSync(state)).toBe(true);
    expect(readFileSync(log, 'utf8')).toContain('disable --now neptune-agent.service\ndaemon-reload\n');
    const purge = await runCli(['agent', 'uninstall', '--state-dir', state, '--purge'], { env });
    expect(purge.code).toBe(0);
    expect(existsSync(state)).toBe(false);
  });

  it('a failing systemctl exits 1 with a hint, no stack trace', async () => {
    if (!isRoot) {
      console.log('skipped: installing needs root');
      return;
    }
    const dir = path.join(root, 'fail');
    const { env } = fakeSystemctl(dir, 1);
    const result = await runCli(
      [
        'agent',
        'install',
        '--user',
        'nobody',
        '--state-dir',
        path.join(dir, 's'),
        '--unit-dir',
        path.join(dir, 'u'),
        '--exec',
        '/bin/sh',
      ],
      { env },
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('error: systemctl daemon-reload failed (exit 1)');
    expect(result.stderr).toContain('hint: ');
    expect(result.stderr).not.toContain('    at ');
  });
});

describe('neptune agent status', () => {
  it('answers for a host without an agent (exit 0, data)', async () => {
    const result = await runCli(['agent', 'status', '--state-dir', path.join(root, 'nothing'), '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ exists: false, enrolled: false });
  });

  it('an unreadable state dir is exit 66 with a hint', async () => {
    const dir = path.join(root, 'locked');
    mkdirSync(dir, { mode: 0o700 });
    const args = ['agent', 'status', '--state-dir', dir];
    let result: { code: number | null; stderr: string };
    if (isRoot) {
      // root reads every directory: run the CLI as "nobody" (setpriv, util-linux) to see the refusal.
      const probe = spawnSync('setpriv', ['--version']);
      if (probe.error) {
        console.log('skipped: running as root without setpriv, so the state dir is always readable');
        return;
      }
      const run = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', BIN, ...args], {
        cwd: '/',
        env: cliEnv('/nonexistent'),
        encoding: 'utf8',
        timeout: 60_000,
      });
      result = { code: run.status, stderr: run.stderr };
    } else {
      chmodSync(dir, 0o000);
      result = await runCli(args);
    }
    expect(result.code).toBe(66);
    expect(result.stderr).toBe(
      `error: ${dir}: permission denied\nhint: run as root or as the agent user (the state dir is private, mode 0700)\n`,
    );
  });
});
