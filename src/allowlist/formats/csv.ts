import { addressCount, hostRange } from '../cidr';
import type { Formatter } from './common';

/** RFC 4180 CSV with a header row; every field is plain (no commas or quotes can occur). */
export const csvFormat: Formatter = {
  name: 'csv',
  summary: 'prefix,family,first_host,last_host,addresses',
  render: (plan) =>
    [
      'prefix,family,first_host,last_host,addresses',
      ...[...plan.ipv4, ...plan.ipv6].map((c) => {
        const [first, last] = hostRange(c);
        return `${c},ipv${c.family},${first},${last},${addressCount(c)}`;
      }),
    ]
      .map((l) => `${l}\r\n`)
      .join(''),
};
