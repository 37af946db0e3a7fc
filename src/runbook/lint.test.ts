import { describe, expect, it } from 'vitest';
import { frameText } from './lint';
import type { Finding } from './types';

const at = (startLine: number, endLine = startLine) =>
  ({ range: { startLine, startColumn: 1, endLine, endColumn: 2 } }) as Finding;

describe('frameText (what a run keeps of a file for its code frames)', () => {
  const text = ['#!/bin/sh', 'set -eu', 'kill -9 $NP_PID', '', 'rm -rf "$dir"/*', 'echo done', ''].join('\n');

  it('keeps the lines findings start on, at their line numbers, and empties the others', () => {
    const lean = frameText(text, [at(3), at(5, 6), at(3)]);
    expect(lean.split('\n')).toEqual(['', '', 'kill -9 $NP_PID', '', 'rm -rf "$dir"/*', '', '']);
  });

  it('keeps a text whose every line has a finding as it is', () => {
    expect(frameText('a\nb', [at(1), at(2)])).toBe('a\nb');
  });
});
