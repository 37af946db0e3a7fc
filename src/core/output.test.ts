import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { colorLevel, Output, type Stream } from './output';

class Capture implements Stream {
  text = '';
  constructor(readonly isTTY = false) {}
  write(chunk: string) {
    this.text += chunk;
    return true;
  }
}

describe('colorLevel', () => {
  const tty = new Capture(true);
  it('is on for a TTY and off for a pipe', () => {
    expect(colorLevel(tty, {})).toBeGreaterThan(0);
    expect(colorLevel(new Capture(false), {})).toBe(0);
  });
  it('honours NO_COLOR (non-empty), TERM=dumb and --no-color', () => {
    expect(colorLevel(tty, { NO_COLOR: '1' })).toBe(0);
    expect(colorLevel(tty, { NO_COLOR: '' })).toBeGreaterThan(0);
    expect(colorLevel(tty, { TERM: 'dumb' })).toBe(0);
    expect(colorLevel(tty, {}, true)).toBe(0);
  });
  it('lets FORCE_COLOR force it on a pipe, and NO_COLOR win over FORCE_COLOR', () => {
    expect(colorLevel(new Capture(false), { FORCE_COLOR: '1' })).toBe(1);
    expect(colorLevel(new Capture(false), { FORCE_COLOR: '3' })).toBe(3);
    expect(colorLevel(tty, { FORCE_COLOR: '0' })).toBe(0);
    expect(colorLevel(tty, { FORCE_COLOR: '1', NO_COLOR: 'x' })).toBe(0);
  });
});

describe('Output', () => {
  it('puts results on stdout and notices on stderr', () => {
    const stdout = new Capture();
    const stderr = new Capture();
    const out = new Output({ stdout, stderr, env: {} });
    out.line('result');
    out.info('working');
    out.warn('careful');
    expect(stdout.text).toBe('result\n');
    expect(stderr.text).toBe('working\nwarning: careful\n');
  });

  it('mutes notices under --quiet and --json but keeps warnings', () => {
    for (const flags of [{ quiet: true }, { json: true }]) {
      const stderr = new Capture();
      const out = new Output({ stdout: new Capture(), stderr, env: {}, ...flags });
      out.info('working');
      out.warn('careful');
      expect(stderr.text).toBe('warning: careful\n');
    }
  });

  it('writes no colour codes to a pipe, and colours a TTY', () => {
    const pipe = new Capture(false);
    new Output({ stdout: new Capture(), stderr: pipe, env: {} }).error('bad', 'do this');
    expect(pipe.text).toBe('error: bad\nhint: do this\n');
    const tty = new Capture(true);
    new Output({ stdout: new Capture(), stderr: tty, env: {} }).error('bad');
    expect(tty.text).toContain('\u001b[');
  });

  it('prints a JSON result as one parseable document', () => {
    const stdout = new Capture();
    new Output({ stdout, stderr: new Capture(), env: {} }).result({ a: [1, 2] });
    expect(JSON.parse(stdout.text)).toEqual({ a: [1, 2] });
  });

  it('holds back a flowing write while the stream is full, and goes on when it drains', async () => {
    const received: string[] = [];
    let most = 0;
    // a reader slower than the writer, like a pipe to a CI runner's log
    const slow = new Writable({
      highWaterMark: 64,
      write(chunk, _encoding, callback) {
        received.push(String(chunk));
        setTimeout(callback, 1);
      },
    });
    const out = new Output({ stdout: slow });
    for (let i = 0; i < 20; i++) {
      await out.writeFlowing(`${String(i).padStart(2, '0')}${'x'.repeat(98)}`);
      most = Math.max(most, slow.writableLength);
    }
    await new Promise((resolve) => slow.end(resolve));
    expect(received.join('').length).toBe(2000);
    expect(received.map((r) => r.slice(0, 2))).toEqual(
      Array.from({ length: 20 }, (_, i) => String(i).padStart(2, '0')),
    );
    // never more than the piece in flight is buffered
    expect(most).toBeLessThanOrEqual(100);
  });

  it('warns once per key', () => {
    const stderr = new Capture();
    const out = new Output({ stdout: new Capture(), stderr, env: {} });
    out.warnOnce('k', 'first');
    out.warnOnce('k', 'second');
    expect(stderr.text).toBe('warning: first\n');
  });

  it('uses spinners only on a TTY stderr outside CI, else plain lines', async () => {
    expect(new Output({ stderr: new Capture(true), env: {} }).spinnersAllowed).toBe(true);
    expect(new Output({ stderr: new Capture(true), env: { CI: 'true' } }).spinnersAllowed).toBe(false);
    expect(new Output({ stderr: new Capture(true), env: {}, quiet: true }).spinnersAllowed).toBe(false);
    const unsized = Object.assign(new Capture(true), { columns: 0 });
    expect(new Output({ stderr: unsized, env: {} }).spinnersAllowed).toBe(false);
    const stderr = new Capture(false);
    const spinner = await new Output({ stdout: new Capture(), stderr, env: {} }).spinner('fetching');
    spinner.succeed('fetched');
    expect(stderr.text).toBe('fetching…\nfetched\n');
  });
});
