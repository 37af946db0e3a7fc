import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { parseSimpleYaml } from './simple-yaml';

const full = (text: string) => {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  return doc.errors.length > 0 ? 'error' : doc.toJS();
};

describe('parseSimpleYaml (the manifest fast path)', () => {
  it('parses the common manifest exactly as yaml does', () => {
    const text = [
      '  neptune:',
      '    name: host-runbook-12',
      '    description: Generated host runbook number 12.',
      '    mode: diagnose',
      '    timeout: 5m',
      '    destructive: false',
      '    caps:',
      '      max: 3',
      '    params:',
      '      service:',
      "        pattern: '^[a-z0-9@._-]{1,64}$'",
      '        description: "the unit"',
      '  ',
    ].join('\n');
    const fast = parseSimpleYaml(text);
    expect(fast).toBeDefined();
    expect(fast).toEqual(full(text));
  });

  it.each([
    ['a sequence', 'neptune:\n  sudo:\n    - systemctl'],
    ['a flow sequence', 'neptune:\n  sudo: [systemctl]'],
    ['a null value', 'neptune:\n  name:'],
    ['a comment', 'neptune:\n  name: x # note'],
    ['a float', 'neptune:\n  timeout: 1.5'],
    ['a duplicate key', 'neptune:\n  name: a\n  name: b'],
    ['odd indentation', 'neptune:\n    name: a\n  mode: diagnose'],
    ['an escape', 'neptune:\n  name: "a\\tb"'],
    ['null word', 'neptune:\n  name: null'],
    ['a leading-zero number', 'neptune:\n  timeout: 010'],
    ['a tab', 'neptune:\n\tname: a'],
  ])('leaves %s to the full parser', (_what, text) => {
    expect(parseSimpleYaml(text)).toBeUndefined();
  });

  it('never disagrees with yaml (property)', () => {
    const word = fc.constantFrom(
      'a',
      'name',
      'mode',
      'true',
      'False',
      'null',
      '12',
      '007',
      '1.5',
      'x y',
      'a: b',
      'a #b',
      "'q'",
      '"d"',
      "'it''s'",
      '-x',
      '~',
      'yes',
      '0x1F',
      '1e3',
      '',
      'A_b-c',
      '5m',
      '1h30m',
      '5e',
    );
    const line = fc.tuple(
      fc.integer({ min: 0, max: 6 }),
      word,
      fc.constantFrom(':', ': ', ':  ', ' :'),
      word,
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 8 }), (lines) => {
        const text = lines.map(([n, k, sep, v]) => `${' '.repeat(n)}${k}${sep}${v}`).join('\n');
        const fast = parseSimpleYaml(text);
        if (fast !== undefined) expect(fast).toEqual(full(text));
      }),
      { numRuns: 2000 },
    );
  });
});
