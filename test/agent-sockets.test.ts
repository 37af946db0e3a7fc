/**
 * The agent never listens on a network socket (issue 7 §8). The check reads /proc; it is shown to find a listener
 * (a process that does listen), then applied to a process running the agent's execution stack with a real action.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listeningSockets } from '../src/agent/sockets';
import { REPO } from './helpers/cli';

const root = mkdtempSync(path.join(os.tmpdir(), 'neptune-sockets-'));
const children: ReturnType<typeof spawn>[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(root, { recursive: true, force: true });
});

function waitFor(child: ReturnType<typeof spawn>, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (pattern.test(out)) resolve(out);
    });
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
}

describe('no listening socket', () => {
  it('the check finds a TCP listener and a bound UDP socket', async () => {
    if (process.platform !== 'linux') {
      console.log('skipped: the socket check reads /proc (Linux)');
      return;
    }
    const child = spawn(
      process.execPath,
      [
        '-e',
        `const s = require('net').createServer().listen(0, '127.0.0.1', () => {
           require('dgram').createSocket('udp4').bind(0, '127.0.0.1', () => console.log('port ' + s.address().port));
         });`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    children.push(child);
    const port = Number(/port (\d+)/.exec(await waitFor(child, /port \d+/))?.[1]);
    const sockets = await listeningSockets(child.pid!);
    expect(sockets?.map((s) => s.protocol).sort()).toEqual(['tcp', 'udp']);
    expect(sockets?.find((s) => s.protocol === 'tcp')?.local).toBe(`127.0.0.1:${port}`);
  });

  it('a process running an action through the agent stack holds none', async () => {
    if (process.platform !== 'linux') {
      console.log('skipped: the socket check reads /proc (Linux)');
      return;
    }
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        path.join(REPO, 'test/fixtures/agent/crash-harness.ts'),
        path.join(root, 'state'),
        'sock-1',
      ],
      { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    children.push(child);
    const runbook = Number(/running (\d+)/.exec(await waitFor(child, /running \d+/))?.[1]);
    try {
      expect(await listeningSockets(child.pid!)).toEqual([]);
    } finally {
      // The runbook leads its own group, which outlives a killed harness: stop it here.
      process.kill(-runbook, 'SIGKILL');
    }
  });
});
