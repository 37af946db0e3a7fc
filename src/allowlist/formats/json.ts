import { planJson } from '../plan';
import type { Formatter } from './common';

/** The same document as --json. */
export const jsonFormat: Formatter = {
  name: 'json',
  summary: 'the result as JSON (the same as --json)',
  render: (plan) => `${JSON.stringify(planJson(plan), null, 2)}\n`,
};
