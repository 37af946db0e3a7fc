import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { agentUser, type PasswdEntry } from '../run-as';
import { describeStep, executePlan, planInstall, planUninstall } from './install';

const root = mkdtempSync(path.join(os.tmpdir(), 'neptune-install-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

const me = agentUser();
/** A host where `user` exists only after useradd ran. */
function fakeHost(initialUsers: string[] = []) {
  const users = new Map<string, PasswdEntry>(initialUsers.map((u) => [u, { ...me, name: u }]));
  const commands: string[][] = [];
  return {
    commands,
    lookup: async (name: string) => users.get(name),
    run: async (argv: string[]) => {
      commands.push(argv);
      if (argv[0] === 'useradd') users.set(argv.at(-1)!, { ...me, name: argv.at(-1)! });
      if (argv[0] === 'userdel') users.delete(argv.at(-1)!);
      return { code: 0, stderr: '' };
    },
  };
}

describe('agent install and uninstall', () => {
  it('creates a missing user, the private state dir, the unit, the record; reloads and enables', async () => {
    const host = fakeHost();
    const dir = path.join(root, `i${n++}`);
    const steps = await planInstall({
      user: 'neptune',
      stateDir: path.join(dir, 'state'),
      unitDir: path.join(dir, 'units'),
      exec: ['/usr/local/bin/neptune'],
      lookup: host.lookup,
    });
    expect(steps.map((s) => s.kind)).toEqual([
      'create-user',
      'create-dir',
      'write-unit',
      'write-record',
      'run',
      'run',
    ]);
    await executePlan(steps, { run: host.run, lookup: host.lookup, isRoot: true });
    expect(host.commands.map((c) => c.join(' '))).toEqual([
      `useradd --system --user-group --home-dir ${dir}/state --no-create-home --shell /usr/sbin/nologin --comment neptune agent neptune`,
      'systemctl daemon-reload',
      'systemctl enable neptune-agent.service',
    ]);
    expect(statSync(path.join(dir, 'state')).mode & 0o777).toBe(0o700);
    // Parents that install creates stay traversable for the agent user.
    expect(statSync(dir).mode & 0o777).toBe(0o755);
    expect(statSync(path.join(dir, 'state', 'ledger')).mode & 0o777).toBe(0o700);
    const unit = readFileSync(path.join(dir, 'units', 'neptune-agent.service'), 'utf8');
    expect(unit).toContain(`ExecStart=/usr/local/bin/neptune agent start --state-dir ${dir}/state`);
    expect(unit).toContain('User=neptune\nGroup=neptune\n');
    const record = JSON.parse(readFileSync(path.join(dir, 'state', 'install.json'), 'utf8'));
    expect(record).toMatchObject({ user: 'neptune', createdUser: true });
    expect(statSync(path.join(dir, 'state', 'install.json')).mode & 0o777).toBe(0o600);

    // Uninstall --purge reverses it: the user goes because install created it.
    const un = await planUninstall({ stateDir: path.join(dir, 'state'), purge: true });
    expect(un.map(describeStep)).toEqual([
      'run systemctl disable --now neptune-agent.service',
      `remove ${dir}/units/neptune-agent.service`,
      'run systemctl daemon-reload',
      `remove ${dir}/state`,
      'remove user neptune: userdel neptune',
    ]);
    await executePlan(un, { run: host.run, lookup: host.lookup, isRoot: true });
    expect(existsSync(path.join(dir, 'units', 'neptune-agent.service'))).toBe(false);
    expect(existsSync(path.join(dir, 'state'))).toBe(false);
  });

  it('keeps an existing user and, without --purge, the state dir', async () => {
    const host = fakeHost(['svc']);
    const dir = path.join(root, `i${n++}`);
    const steps = await planInstall({
      user: 'svc',
      stateDir: path.join(dir, 'state'),
      unitDir: path.join(dir, 'units'),
      exec: ['/usr/local/bin/neptune'],
      lookup: host.lookup,
    });
    expect(steps.some((s) => s.kind === 'create-user')).toBe(false);
    await executePlan(steps, { run: host.run, lookup: host.lookup, isRoot: true });
    await executePlan(await planUninstall({ stateDir: path.join(dir, 'state'), purge: true }), {
      run: host.run,
      lookup: host.lookup,
      isRoot: true,
    });
    expect(host.commands.some((c) => c[0] === 'userdel')).toBe(false);
    await executePlan(
      await planInstall({
        user: 'svc',
        stateDir: path.join(dir, 's2'),
        unitDir: path.join(dir, 'u'),
        exec: ['/x'],
        lookup: host.lookup,
      }),
      {
        run: host.run,
        lookup: host.lookup,
        isRoot: true,
      },
    );
    await executePlan(await planUninstall({ stateDir: path.join(dir, 's2') }), {
      run: host.run,
      lookup: host.lookup,
      isRoot: true,
    });
    expect(existsSync(path.join(dir, 's2', 'install.json'))).toBe(true);
  });

  it('refuses without root, bad user names and a state dir at the root', async () => {
    const host = fakeHost();
    const steps = await planInstall({
      stateDir: path.join(root, 'x'),
      unitDir: root,
      exec: ['/x'],
      lookup: host.lookup,
    });
    await expect(executePlan(steps, { run: host.run, isRoot: false })).rejects.toMatchObject({
      code: 'AGENT_INSTALL_NOT_ROOT',
      exitCode: 77,
    });
    expect(host.commands).toEqual([]);
    await expect(planInstall({ user: 'Bad User', exec: ['/x'], lookup: host.lookup })).rejects.toMatchObject({
      exitCode: 64,
    });
    await expect(planInstall({ stateDir: '/', exec: ['/x'], lookup: host.lookup })).rejects.toMatchObject({
      code: 'AGENT_INSTALL_STATE_DIR',
    });
  });

  it('a failing systemctl is a failure with a hint, after the unit is written', async () => {
    const dir = path.join(root, `i${n++}`);
    const host = fakeHost(['svc']);
    const steps = await planInstall({
      user: 'svc',
      stateDir: path.join(dir, 's'),
      unitDir: path.join(dir, 'u'),
      exec: ['/x'],
      lookup: host.lookup,
    });
    await expect(
      executePlan(steps, {
        lookup: host.lookup,
        isRoot: true,
        run: async (argv) =>
          argv[0] === 'systemctl'
            ? { code: 1, stderr: 'System has not been booted with systemd' }
            : { code: 0, stderr: '' },
      }),
    ).rejects.toMatchObject({ code: 'AGENT_INSTALL_STEP', exitCode: 1 });
    expect(existsSync(path.join(dir, 'u', 'neptune-agent.service'))).toBe(true);
  });
});
