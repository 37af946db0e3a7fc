import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { quoteExecArg, renderUnit } from './unit';

const dir = mkdtempSync(path.join(os.tmpdir(), 'neptune-unit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const base = {
  execStart: ['/usr/local/bin/neptune', 'agent', 'start', '--state-dir', '/var/lib/neptune'],
  user: 'neptune',
  group: 'neptune',
  stateDir: '/var/lib/neptune',
};

describe('the systemd unit', () => {
  it('renders the unit (golden file)', async () => {
    await expect(renderUnit(base)).toMatchFileSnapshot('__snapshots__/neptune-agent.service');
  });

  it('has the options the issue asks for', () => {
    const unit = renderUnit(base);
    for (const line of [
      'Type=notify',
      'WatchdogSec=60',
      'Restart=always',
      'RestartPreventExitStatus=78',
      'NoNewPrivileges=yes',
      'KillMode=mixed',
      'TimeoutStopSec=630',
      'CapabilityBoundingSet=',
    ]) {
      expect(unit.split('\n')).toContain(line);
    }
  });

  it('keeps capabilities for a root agent (run_as needs setuid) and scales the stop timeout with the drain', () => {
    const unit = renderUnit({ ...base, user: 'root', group: 'root', drainTimeoutSec: 60 }).split('\n');
    expect(unit).not.toContain('CapabilityBoundingSet=');
    expect(unit).toContain('TimeoutStopSec=90');
  });

  it('quotes ExecStart words: spaces, quotes, % specifiers and $ variables stay literal', () => {
    expect(quoteExecArg('/opt/neptune/bin/neptune')).toBe('/opt/neptune/bin/neptune');
    expect(quoteExecArg('/srv/my state')).toBe('"/srv/my state"');
    expect(quoteExecArg('50%')).toBe('50%%');
    expect(quoteExecArg('$HOME')).toBe('"$$HOME"');
    expect(quoteExecArg('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(() => renderUnit({ ...base, execStart: ['neptune'] })).toThrow(/absolute/);
  });

  it('passes systemd-analyze verify without a warning', () => {
    const probe = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' });
    if (probe.error || probe.status !== 0) {
      console.log('skipped: systemd-analyze is not installed (apt-get install systemd provides it)');
      return;
    }
    // verify checks that ExecStart's binary exists: use this Node.
    const file = path.join(dir, 'neptune-agent.service');
    writeFileSync(
      file,
      renderUnit({
        ...base,
        execStart: [process.execPath, '/opt/neptune.cjs', 'agent', 'start'],
        stateDir: dir,
      }),
    );
    const result = spawnSync('systemd-analyze', ['verify', file], { encoding: 'utf8' });
    expect(`${result.stdout}${result.stderr}`.trim()).toBe('');
    expect(result.status).toBe(0);
    // The check can fail: a unit with a missing binary does.
    const bad = path.join(dir, 'bad.service');
    writeFileSync(bad, renderUnit({ ...base, execStart: ['/nonexistent/neptune', 'agent', 'start'] }));
    const refused = spawnSync('systemd-analyze', ['verify', bad], { encoding: 'utf8' });
    expect(refused.status).not.toBe(0);
  });
});
