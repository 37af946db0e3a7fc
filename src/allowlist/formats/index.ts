/** Every output format by name (`--format`). */
import { apacheFormat } from './apache';
import { awsSgFormat } from './aws-sg';
import { cidrFormat } from './cidr';
import type { Formatter } from './common';
import { csvFormat } from './csv';
import { haproxyFormat } from './haproxy';
import { ipsetFormat } from './ipset';
import { ip6tablesFormat, iptablesFormat } from './iptables';
import { jsonFormat } from './json';
import { k8sFormat } from './k8s';
import { nftablesFormat } from './nftables';
import { nginxFormat } from './nginx';
import { rangeFormat } from './range';
import { terraformFormat } from './terraform';
import { ufwFormat } from './ufw';

export type { Formatter } from './common';

export const FORMATS: readonly Formatter[] = [
  cidrFormat,
  rangeFormat,
  jsonFormat,
  csvFormat,
  iptablesFormat,
  ip6tablesFormat,
  ipsetFormat,
  nftablesFormat,
  ufwFormat,
  nginxFormat,
  apacheFormat,
  haproxyFormat,
  awsSgFormat,
  terraformFormat,
  k8sFormat,
];

export function formatByName(name: string): Formatter | undefined {
  return FORMATS.find((f) => f.name === name);
}
