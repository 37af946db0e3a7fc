/**
 * Only for the built executable: run by `npm run test:exe` (NEPTUNE_BIN=dist/neptune) after `npm run build`;
 * vitest.config.ts leaves this file out of `npm test`, which has no executable to test.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, IS_EXECUTABLE, REPO, tempHome } from './helpers/cli';

describe('the single executable (dist/neptune)', () => {
  it('is what NEPTUNE_BIN points at', () => {
    expect(IS_EXECUTABLE).toBe(true);
  });

  it('runs with no Node on PATH, from outside the repository, and ignores NODE_OPTIONS', () => {
    const home = tempHome();
    const run = (args: string[], extra: Record<string, string> = {}) =>
      spawnSync(BIN, args, {
        cwd: home,
        env: { PATH: '/usr/bin:/bin', HOME: home, ...extra },
        encoding: 'utf8',
      });
    const version = run(['--version'], { NODE_OPTIONS: '--require=/nonexistent.js' });
    expect(version.status).toBe(0);
    expect(version.stdout).toContain('node-v24.21.0');
    const help = run(['--help']);
    expect(help.status).toBe(0);
    // Nothing on stderr: in particular V8 accepted the code cache (built under the same flags as it runs with).
    expect(help.stderr).toBe('');
    const fromCheckout = spawnSync(path.join(REPO, 'bin/neptune'), ['--help'], { encoding: 'utf8' });
    expect(help.stdout).toBe(fromCheckout.stdout);
    // The full CLI is a SEA asset compiled with its own code cache (src/launch.ts), which --debug reports if refused.
    const debug = run(['--debug', '--help']);
    expect(debug.status).toBe(0);
    expect(debug.stderr).not.toContain('rejected the code cache');
    // So is the agent bundle (decision 0505): a host that is not enrolled is exit 78, and the cache was accepted.
    const agent = run(['agent', 'start', '--debug', '--state-dir', path.join(home, 'state')], {
      NEPTUNE_AGENT_CONFIG: path.join(home, 'none.yaml'),
    });
    expect(agent.status).toBe(78);
    expect(agent.stderr).toMatch(/^error: this host is not enrolled\n/);
    expect(agent.stderr).not.toContain('rejected the code cache');
  });

  it('prints no warning of its own on stderr when a command loads code dynamically (runbook lint)', () => {
    const home = tempHome();
    const file = path.join(home, 'ok.sh');
    writeFileSync(file, '#!/bin/sh\nset -eu\necho ok\n');
    const r = spawnSync(BIN, ['runbook', 'lint', '--profile', 'min', file], {
      cwd: home,
      env: { PATH: '/usr/bin:/bin', HOME: home },
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/Warning/);
  });

  it('accepts the code cache of the lint bundle, made after a warm-up lint (decision 0210)', () => {
    const home = tempHome();
    const file = path.join(home, 'ok.sh');
    writeFileSync(file, '#!/bin/sh\nset -eu\necho ok\n');
    const r = spawnSync(BIN, ['runbook', 'lint', '--debug', '--profile', 'min', file], {
      cwd: home,
      env: { PATH: '/usr/bin:/bin', HOME: home },
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('rejected the code cache');
  });

  it('needs no file beside it: a lone copy runs', () => {
    const dir = tempHome();
    const lone = path.join(dir, 'neptune');
    copyFileSync(BIN, lone);
    chmodSync(lone, 0o755);
    const r = spawnSync(lone, ['autocomplete', 'bash'], {
      cwd: dir,
      env: { PATH: '/usr/bin:/bin', HOME: dir },
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('complete -o default -F _neptune neptune');
  });
});
