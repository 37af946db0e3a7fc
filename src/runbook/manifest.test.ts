import { describe, expect, it } from 'vitest';
import { parseManifest } from './manifest';

// YAML the fast path (simple-yaml.ts) does not read goes through the `yaml` package; a valid value there skips
// Ajv, an invalid one gets Ajv's problems with positions.
describe('parseManifest beyond the fast path', () => {
  const yaml = (requires: string) =>
    [
      'neptune:',
      '  name: restart-app',
      '  description: Restarts it.',
      '  mode: remediate',
      '  timeout: 2m',
      `  requires: ${requires}`,
      '',
    ].join('\n');

  it('takes a valid manifest with a flow sequence as it is', () => {
    const result = parseManifest(yaml('[systemctl, journalctl]'), 100, true);
    expect(result.problems).toEqual([]);
    expect(result.manifest).toEqual({
      name: 'restart-app',
      description: 'Restarts it.',
      mode: 'remediate',
      timeout: '2m',
      requires: ['systemctl', 'journalctl'],
    });
    expect(result.span).toEqual({ start: 100, end: 100 + yaml('[systemctl, journalctl]').length });
  });

  it('names the problem of an invalid one, where it is', () => {
    const text = yaml('[systemctl, 5]');
    const result = parseManifest(text, 100, true);
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]!.message).toMatch(/^manifest requires\.1 must be string/);
    expect(text.slice(result.problems[0]!.start - 100, result.problems[0]!.end - 100)).toBe('5');
  });
});
