import { hostRange } from '../cidr';
import type { Formatter } from './common';

/** The old Neptune README style: `23.20.0.0/14 (23.20.0.1 - 23.23.255.254)`, first and last usable host. */
export const rangeFormat: Formatter = {
  name: 'range',
  summary: 'prefix with its first and last host, as the original README listed them',
  render: (plan) =>
    [...plan.ipv4, ...plan.ipv6]
      .map((c) => {
        const [first, last] = hostRange(c);
        return `${c} (${first} - ${last})\n`;
      })
      .join(''),
};
