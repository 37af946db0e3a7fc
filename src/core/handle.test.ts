import { Errors } from '@oclif/core';
import { describe, expect, it } from 'vitest';
import { dataError, NeptuneError } from './errors';
import { normalizeError, renderError } from './handle';
import { Output, type Stream } from './output';

class Capture implements Stream {
  text = '';
  write(chunk: string) {
    this.text += chunk;
    return true;
  }
}

function render(error: unknown, opts: { json?: boolean; debug?: boolean } = {}) {
  const stdout = new Capture();
  const stderr = new Capture();
  const output = new Output({ stdout, stderr, env: {}, json: opts.json });
  const code = renderError(error, { output, json: opts.json ?? false, debug: opts.debug ?? false });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

describe('renderError', () => {
  it('prints one line and a hint, and returns the kind’s exit code', () => {
    const r = render(dataError('X_BAD', 'file.json: entry 3: bad prefix', { hint: 'fix entry 3' }));
    expect(r).toEqual({
      code: 65,
      stdout: '',
      stderr: 'error: file.json: entry 3: bad prefix\nhint: fix entry 3\n',
    });
  });

  it('prints the error as JSON on stdout under --json', () => {
    const r = render(dataError('X_BAD', 'bad'), { json: true });
    expect(JSON.parse(r.stdout)).toEqual({ error: { code: 'X_BAD', kind: 'data', message: 'bad' } });
    expect(r.stderr).toBe('');
  });

  it('turns an unexpected exception into an internal error (70) without a stack', () => {
    const r = render(new TypeError('x is undefined\n    at foo (a.js:1:1)'));
    expect(r.code).toBe(70);
    expect(r.stderr.split('\n')[0]).toBe('error: internal error: x is undefined');
    expect(r.stderr).not.toContain('at foo');
  });

  it('prints the stack and causes with --debug', () => {
    const cause = new Error('root cause');
    const r = render(dataError('X', 'outer', { cause }), { debug: true });
    expect(r.stderr).toContain('caused by: Error: root cause');
    expect(r.stderr).toMatch(/at /);
  });

  it('maps oclif parse errors to usage (64) on one line', () => {
    const parseError = Object.assign(
      new Errors.CLIError(
        'The following error occurred:\n  Missing required flag region\nSee more help with --help',
      ),
      { parse: {} },
    );
    const normalized = normalizeError(parseError, 'allowlist');
    expect(normalized.exitCode).toBe(64);
    expect(normalized.message).toBe('missing required flag region');
    expect(normalized.hint).toBe('see neptune allowlist --help');
  });

  it("maps the bare CLIErrors of oclif's flag parser to usage (64)", () => {
    for (const message of ['Flag --month can only be specified once', 'Unexpected flag --frob']) {
      const normalized = normalizeError(new Errors.CLIError(message), 'sla:claim');
      expect(normalized.exitCode, message).toBe(64);
      expect(normalized.hint).toBe('see neptune sla claim --help');
    }
    expect(normalizeError(new Errors.CLIError('Flag parsing went wrong')).exitCode).toBe(70);
  });

  it('names the flag or argument in one line', () => {
    const missingArg = Object.assign(
      new Errors.CLIError('Missing 1 required arg:\nip  IPv4 or IPv6 addresses\nSee more help with --help'),
      { parse: {} },
    );
    expect(normalizeError(missingArg).message).toBe('missing required argument: ip');
    const badInteger = new Error(
      'Parsing --max-warnings \n\tExpected an integer but received: abc\nSee more help with --help',
    );
    const normalized = normalizeError(badInteger, 'runbook:lint');
    expect(normalized.exitCode).toBe(64);
    expect(normalized.message).toBe('--max-warnings: expected an integer but received: abc');
  });

  it('maps an abort to interrupted (130)', () => {
    const abort = Object.assign(new Error('aborted'), { name: 'AbortError' });
    expect(normalizeError(abort).exitCode).toBe(130);
  });

  it('keeps NeptuneErrors as they are', () => {
    const e = new NeptuneError('auth', 'AUTH_REQUIRED', 'not logged in');
    expect(normalizeError(e)).toBe(e);
    expect(e.exitCode).toBe(77);
  });
});
