import { describe, expect, it } from 'vitest';
import { levenshtein, suggest } from './suggest';

describe('suggest', () => {
  it('measures edit distance', () => {
    expect(levenshtein('kitten', 'sitting')).toBe(3);
    expect(levenshtein('', 'abc')).toBe(3);
    expect(levenshtein('same', 'same')).toBe(0);
  });
  it('finds the nearest commands, nearest first', () => {
    const known = ['allowlist', 'allowlist check', 'autocomplete', 'runbook lint'];
    expect(suggest('alowlist', known)).toEqual(['allowlist']);
    expect(suggest('autocompelte', known)).toEqual(['autocomplete']);
    expect(suggest('runbook lnit', known)).toEqual(['runbook lint']);
    expect(suggest('frobnicate', known)).toEqual([]);
  });
});
