import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { ruleDocs } from './docs';

it('docs/lint-rules.md is generated from the catalog and up to date', () => {
  const file = path.resolve(import.meta.dirname, '../../docs/lint-rules.md');
  expect(readFileSync(file, 'utf8')).toBe(ruleDocs());
});
