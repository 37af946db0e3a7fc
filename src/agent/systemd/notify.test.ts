import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SdNotify } from './notify';

const dir = mkdtempSync(path.join(os.tmpdir(), 'neptune-notify-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill();
  rmSync(dir, { recursive: true, force: true });
});

/** A unix datagram socket standing in for systemd's notify socket (perl: Node has no AF_UNIX datagrams). */
async function receiver(socket: string): Promise<{ messages: string[] }> {
  const script = [
    'use IO::Socket::UNIX; use Socket;',
    'my $s = IO::Socket::UNIX->new(Type => SOCK_DGRAM, Local => $ARGV[0]) or die "bind: $!";',
    '$| = 1; print "ready\\n";',
    'while (1) { my $buf; defined($s->recv($buf, 65536)) or last; $buf =~ s/\\n/|/g; print "$buf\\n"; }',
  ].join('\n');
  const child = spawn('perl', ['-e', script, socket], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const state = { messages: [] as string[] };
  await new Promise<void>((resolve, reject) => {
    let buffer = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      buffer += d;
      const lines = buffer.split('\n');
      buffer = lines.pop()!;
      for (const line of lines) {
        if (line === 'ready') resolve();
        else if (line !== 'BARRIER=1') state.messages.push(line);
      }
    });
    child.on('exit', (code) => reject(new Error(`receiver exited ${code}`)));
  });
  return state;
}

const has = (cmd: string, arg: string) => {
  const r = spawnSync(cmd, [arg], { encoding: 'utf8' });
  return !r.error && r.status === 0;
};

describe('SdNotify', () => {
  it('is a no-op outside systemd (no NOTIFY_SOCKET)', async () => {
    const calls: string[][] = [];
    const n = new SdNotify({ env: {}, run: async (_c, args) => void calls.push(args) });
    expect(n.enabled).toBe(false);
    expect(await n.ready()).toBe(false);
    expect(n.watchdogIntervalMs).toBeUndefined();
    expect(calls).toEqual([]);
  });

  it('pets the watchdog at half of WATCHDOG_USEC, only for its own pid, only while healthy', async () => {
    const env = { NOTIFY_SOCKET: '/run/x', WATCHDOG_USEC: '60000000', WATCHDOG_PID: '4242' };
    expect(new SdNotify({ env, pid: 4242 }).watchdogIntervalMs).toBe(30_000);
    expect(new SdNotify({ env, pid: 1 }).watchdogIntervalMs).toBeUndefined();
    const calls: string[][] = [];
    let healthy = false;
    const n = new SdNotify({
      env: { NOTIFY_SOCKET: '/run/x', WATCHDOG_USEC: '40000' },
      run: async (_c, args) => void calls.push(args),
    });
    const stop = n.startWatchdog(() => healthy);
    await new Promise((r) => setTimeout(r, 100));
    expect(calls).toEqual([]);
    healthy = true;
    await new Promise((r) => setTimeout(r, 100));
    stop();
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.every((a) => a.join() === 'WATCHDOG=1')).toBe(true);
  });

  it('refuses malformed fields and flattens newlines in values', async () => {
    const calls: string[][] = [];
    const n = new SdNotify({ env: { NOTIFY_SOCKET: '/run/x' }, run: async (_c, a) => void calls.push(a) });
    expect(() => n.notify({ 'bad key': '1' })).toThrow(/invalid sd_notify field/);
    await n.status('line one\nREADY=1');
    expect(calls).toEqual([['STATUS=line one READY=1']]);
  });

  it('delivers READY=1, WATCHDOG=1 and STOPPING=1 to a real unix datagram socket', async () => {
    if (!has('systemd-notify', '--version') || !has('perl', '-v')) {
      console.log(
        'skipped: needs systemd-notify (package systemd) and perl to stand in for the notify socket',
      );
      return;
    }
    const socket = path.join(dir, 'notify.sock');
    const received = await receiver(socket);
    const n = new SdNotify({ env: { ...process.env, NOTIFY_SOCKET: socket } });
    expect(await n.ready('polling')).toBe(true);
    expect(await n.watchdog()).toBe(true);
    expect(await n.stopping('draining')).toBe(true);
    for (let i = 0; i < 100 && received.messages.length < 3; i++) await new Promise((r) => setTimeout(r, 20));
    expect(received.messages).toEqual(['READY=1|STATUS=polling', 'WATCHDOG=1', 'STOPPING=1|STATUS=draining']);
  });

  it('reports failure when nothing listens on the socket', async () => {
    if (!has('systemd-notify', '--version')) {
      console.log('skipped: needs systemd-notify (package systemd)');
      return;
    }
    const n = new SdNotify({ env: { ...process.env, NOTIFY_SOCKET: path.join(dir, 'nobody-here.sock') } });
    expect(await n.ready()).toBe(false);
  });
});
