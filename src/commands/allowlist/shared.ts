/**
 * Flags and IO shared by the allowlist commands. Kept free of domain imports so that --help stays fast: the
 * domain (src/allowlist) is imported inside run().
 */
import { Flags } from '@oclif/core';

export const selectionFlags = {
  region: Flags.string({
    char: 'r',
    multiple: true,
    description: 'AWS region, repeatable; globs such as "us-*" (default: all regions, including GLOBAL).',
    helpGroup: 'SELECTION',
  }),
  service: Flags.string({
    char: 's',
    multiple: true,
    description: 'Service, repeatable; globs allowed (default: AMAZON, i.e. every published address).',
    helpGroup: 'SELECTION',
  }),
  'exclude-service': Flags.string({
    char: 'x',
    multiple: true,
    description: 'Remove the address space of this service (in every region), repeatable: AMAZON minus EC2.',
    helpGroup: 'SELECTION',
  }),
  'network-border-group': Flags.string({
    multiple: true,
    description: 'Network border group, repeatable; globs allowed (e.g. us-east-1-bos-1).',
    helpGroup: 'SELECTION',
  }),
  ipv4: Flags.boolean({ description: 'IPv4 only.', exclusive: ['ipv6'], helpGroup: 'SELECTION' }),
  ipv6: Flags.boolean({ description: 'IPv6 only.', exclusive: ['ipv4'], helpGroup: 'SELECTION' }),
};

export { allowlistIo, type SelectionFlagValues, selectionInput } from './io';
