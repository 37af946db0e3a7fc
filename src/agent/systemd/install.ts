/**
 * `neptune agent install` / `uninstall` as plans: a list of steps (create the user, the state dir, write the unit,
 * reload and enable) that is printed with --dry-run and executed otherwise. Commands run through an injected
 * runner and paths are options, so the whole thing is tested without a real systemd (and without touching /etc).
 *
 * Install records what it did in `<state>/install.json`, so uninstall reverses exactly that: it removes the unit
 * and disables it; with --purge it also deletes the state dir (identity key, ledger, unsent results) and the user,
 * but the user only if install created it.
 */
import { execFile } from 'node:child_process';
import { chown, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { authError, configError, failed, usageError } from '../../core/errors';
import { writeFileAtomic } from '../../core/fs';
import { ensurePrivateDir, writeDurable } from '../durable';
import { lookupUser, type PasswdEntry, type UserLookup } from '../run-as';
import { DEFAULT_STATE_DIR, statePaths } from '../state';
import { renderUnit, UNIT_NAME } from './unit';

export const DEFAULT_UNIT_DIR = '/etc/systemd/system';
export const DEFAULT_AGENT_USER = 'neptune';

export type Step =
  | { kind: 'create-user'; user: string; home: string; argv: string[] }
  | { kind: 'create-dir'; path: string; mode: number; owner: string }
  | { kind: 'write-unit'; path: string; content: string }
  | { kind: 'write-record'; path: string; content: string }
  | { kind: 'run'; argv: string[]; mayFail?: boolean }
  | { kind: 'remove'; path: string; recursive: boolean }
  | { kind: 'remove-user'; user: string; argv: string[] };

export type CommandRunner = (argv: string[]) => Promise<{ code: number; stderr: string }>;

export const execRunner: CommandRunner = (argv) =>
  new Promise((resolve) => {
    execFile(argv[0]!, argv.slice(1), { timeout: 60_000 }, (error, _stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 127) : 0;
      resolve({
        code,
        stderr: String(stderr || (error && typeof error.code !== 'number' ? error.message : '')),
      });
    });
  });

export interface InstallOptions {
  user?: string;
  stateDir?: string;
  unitDir?: string;
  /** The agent's command line start: the neptune executable (absolute) and, from a checkout, the bundle. */
  exec: string[];
  drainTimeoutSec?: number;
  lookup?: UserLookup;
}

export interface InstallRecord {
  user: string;
  createdUser: boolean;
  stateDir: string;
  unitPath: string;
  installedAt: string;
}

const USER_NAME = /^[a-z_][a-z0-9_-]{0,31}$/;

function unitPathOf(unitDir: string): string {
  return path.join(path.resolve(unitDir), UNIT_NAME);
}

/** The steps of an install, decided from the current state of the host (does the user exist?). */
export async function planInstall(options: InstallOptions, now = new Date()): Promise<Step[]> {
  const user = options.user ?? DEFAULT_AGENT_USER;
  if (!USER_NAME.test(user)) {
    throw usageError('AGENT_INSTALL_USER', `invalid user name ${JSON.stringify(user)}`, {
      hint: 'use lower-case letters, digits, dash or underscore (e.g. --user neptune)',
    });
  }
  const stateDir = path.resolve(options.stateDir ?? DEFAULT_STATE_DIR);
  if (stateDir === '/' || stateDir.split('/').length < 3) {
    throw usageError('AGENT_INSTALL_STATE_DIR', `refusing ${stateDir} as the state dir`, {
      hint: 'use a directory of its own, such as /var/lib/neptune',
    });
  }
  const unitPath = unitPathOf(options.unitDir ?? DEFAULT_UNIT_DIR);
  const existing = await (options.lookup ?? lookupUser)(user);
  const steps: Step[] = [];
  if (!existing) {
    steps.push({
      kind: 'create-user',
      user,
      home: stateDir,
      argv: [
        'useradd',
        '--system',
        '--user-group',
        '--home-dir',
        stateDir,
        '--no-create-home',
        '--shell',
        '/usr/sbin/nologin',
        '--comment',
        'neptune agent',
        user,
      ],
    });
  }
  steps.push({ kind: 'create-dir', path: stateDir, mode: 0o700, owner: user });
  const content = renderUnit({
    execStart: [...options.exec, 'agent', 'start', '--state-dir', stateDir],
    user,
    group: existing ? await primaryGroup(existing) : user,
    stateDir,
    drainTimeoutSec: options.drainTimeoutSec,
  });
  steps.push({ kind: 'write-unit', path: unitPath, content });
  const record: InstallRecord = {
    user,
    createdUser: !existing,
    stateDir,
    unitPath,
    installedAt: now.toISOString(),
  };
  steps.push({
    kind: 'write-record',
    path: path.join(stateDir, 'install.json'),
    content: `${JSON.stringify(record, null, 2)}\n`,
  });
  steps.push({ kind: 'run', argv: ['systemctl', 'daemon-reload'] });
  steps.push({ kind: 'run', argv: ['systemctl', 'enable', UNIT_NAME] });
  return steps;
}

/** The group name of a user's primary group (getent group), else the numeric gid, which systemd accepts. */
async function primaryGroup(user: PasswdEntry): Promise<string> {
  const name = await new Promise<string | undefined>((resolve) => {
    execFile('getent', ['group', String(user.gid)], { timeout: 5000 }, (error, stdout) =>
      resolve(error ? undefined : stdout.split(':')[0]),
    );
  });
  return name || String(user.gid);
}

export interface UninstallOptions {
  stateDir?: string;
  unitDir?: string;
  purge?: boolean;
  readText?: (file: string) => Promise<string>;
}

export async function planUninstall(options: UninstallOptions): Promise<Step[]> {
  const stateDir = path.resolve(options.stateDir ?? DEFAULT_STATE_DIR);
  const recordFile = path.join(stateDir, 'install.json');
  const read = options.readText ?? ((f: string) => readFile(f, 'utf8'));
  const record = await read(recordFile).then(
    (t) => JSON.parse(t) as InstallRecord,
    () => undefined,
  );
  const unitPath = options.unitDir
    ? unitPathOf(options.unitDir)
    : (record?.unitPath ?? unitPathOf(DEFAULT_UNIT_DIR));
  const steps: Step[] = [
    { kind: 'run', argv: ['systemctl', 'disable', '--now', UNIT_NAME], mayFail: true },
    { kind: 'remove', path: unitPath, recursive: false },
    { kind: 'run', argv: ['systemctl', 'daemon-reload'] },
  ];
  if (options.purge) {
    steps.push({ kind: 'remove', path: stateDir, recursive: true });
    if (record?.createdUser) {
      steps.push({ kind: 'remove-user', user: record.user, argv: ['userdel', record.user] });
    }
  }
  return steps;
}

export function describeStep(step: Step): string {
  switch (step.kind) {
    case 'create-user':
      return `create system user ${step.user}: ${step.argv.join(' ')}`;
    case 'create-dir':
      return `create ${step.path} (mode ${step.mode.toString(8)}, owner ${step.owner})`;
    case 'write-unit':
      return `write ${step.path}`;
    case 'write-record':
      return `write ${step.path}`;
    case 'run':
      return `run ${step.argv.join(' ')}`;
    case 'remove':
      return `remove ${step.path}`;
    case 'remove-user':
      return `remove user ${step.user}: ${step.argv.join(' ')}`;
  }
}

export interface ExecuteOptions {
  run?: CommandRunner;
  lookup?: UserLookup;
  /** Installing needs root (users, /etc/systemd); injectable for tests of the refusal. */
  isRoot?: boolean;
  /** Told about each step as it is done. */
  onStep?: (step: Step) => void;
}

export async function executePlan(steps: Step[], options: ExecuteOptions = {}): Promise<void> {
  const run = options.run ?? execRunner;
  const lookup = options.lookup ?? lookupUser;
  const isRoot = options.isRoot ?? process.getuid?.() === 0;
  if (!isRoot) {
    throw authError('AGENT_INSTALL_NOT_ROOT', 'installing the agent service needs root', {
      hint: 'run it with sudo, or see the steps first with --dry-run',
    });
  }
  for (const step of steps) {
    options.onStep?.(step);
    switch (step.kind) {
      case 'create-user':
      case 'remove-user':
      case 'run': {
        const result = await run(step.argv);
        if (result.code !== 0 && !(step.kind === 'run' && step.mayFail)) {
          throw failed(
            'AGENT_INSTALL_STEP',
            `${step.argv.join(' ')} failed (exit ${result.code}): ${firstLine(result.stderr)}`,
            {
              hint:
                step.argv[0] === 'systemctl'
                  ? 'is systemd running here? the unit file is written; enable it later with systemctl enable neptune-agent'
                  : 'fix the cause and run the command again: the steps already done are skipped or repeated safely',
            },
          );
        }
        break;
      }
      case 'create-dir': {
        await ensurePrivateDir(step.path);
        const owner = await lookup(step.owner);
        if (!owner) {
          throw configError('AGENT_INSTALL_USER_MISSING', `user ${step.owner} does not exist`, {
            hint: 'create the user, or let install create it (it does when the user is missing)',
          });
        }
        await chown(step.path, owner.uid, owner.gid);
        for (const sub of [
          statePaths(step.path).ledger,
          statePaths(step.path).spool,
          statePaths(step.path).work,
        ]) {
          await ensurePrivateDir(sub);
          await chown(sub, owner.uid, owner.gid);
        }
        break;
      }
      case 'write-unit':
        await writeFileAtomic(step.path, step.content, { mode: 0o644 });
        break;
      case 'write-record':
        await writeDurable(step.path, step.content);
        break;
      case 'remove':
        await rm(step.path, { recursive: step.recursive, force: true });
        break;
    }
  }
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0] || 'no message';
}

/** The executable line for ExecStart: the single executable itself, or from a checkout Node and the bundle. */
export async function defaultExec(options: {
  sea: boolean;
  execPath: string;
  script: string | undefined;
}): Promise<string[]> {
  if (options.sea) return [options.execPath];
  if (!options.script) return [options.execPath];
  return [options.execPath, path.resolve(options.script)];
}

/** Checks that a --exec path is an absolute path to an existing file. */
export async function checkExec(file: string): Promise<string> {
  if (!path.isAbsolute(file)) {
    throw usageError('AGENT_INSTALL_EXEC', `--exec needs an absolute path, got ${file}`, {
      hint: 'e.g. --exec /usr/local/bin/neptune',
    });
  }
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) {
    throw usageError('AGENT_INSTALL_EXEC', `${file} is not a file`, {
      hint: 'pass the path of the neptune executable',
    });
  }
  return file;
}
