/**
 * The body of `neptune allowlist`, shared by the oclif command and the start-up fast path (fast.ts): takes parsed
 * flags, calls the domain, renders. Returns the --json result, if any.
 */
import type { Output } from '../../core/output';
import { allowlistIo, type SelectionFlagValues, selectionInput } from './io';
import { parseMaxRules, parsePort } from './values';

export interface AllowlistFlags extends SelectionFlagValues {
  format: string;
  output?: string;
  'max-rules'?: string;
  lossy?: boolean;
  port?: string;
  direction: string;
  name: string;
  'terraform-resource': string;
  ranges?: string;
  refresh?: boolean;
  list?: string;
}

export async function runAllowlist(
  flags: AllowlistFlags,
  output: Output,
  json: boolean,
  userAgent: string,
): Promise<unknown> {
  const port = parsePort(flags.port);
  const maxRules = parseMaxRules(flags['max-rules']);
  const domain = await import('../../allowlist/index');
  const io = await allowlistIo(output, userAgent);
  try {
    if (flags.refresh) await domain.update(io);
    const snapshot = await domain.openSnapshot(io, flags.ranges);

    if (flags.list) {
      const names =
        flags.list === 'regions'
          ? domain.knownRegions(snapshot)
          : flags.list === 'services'
            ? domain.knownServices(snapshot)
            : domain.knownNetworkBorderGroups(snapshot);
      if (json) return { snapshot: snapshot.stamp, [flags.list]: names };
      output.write(names.map((n) => `${n}\n`).join(''));
      return undefined;
    }

    const rendered = domain.render(snapshot, {
      ...selectionInput(flags),
      format: flags.format,
      maxRules,
      lossy: flags.lossy,
      port,
      direction: flags.direction as 'ingress' | 'egress',
      name: flags.name,
      terraformResource: flags['terraform-resource'] as 'security-group' | 'prefix-list',
    });
    for (const notice of rendered.notices) {
      if (notice.startsWith('WIDENED')) output.warn(notice);
      else output.info(notice);
    }
    if (flags.output) {
      const { writeFileAtomic } = await import('../../core/fs');
      await writeFileAtomic(flags.output, rendered.text);
      output.info(
        `wrote ${rendered.plan.ipv4.length} IPv4 and ${rendered.plan.ipv6.length} IPv6 prefixes to ${flags.output}`,
      );
    }
    if (json) return domain.planJson(rendered.plan);
    if (!flags.output) output.write(rendered.text);
    return undefined;
  } finally {
    await io.close?.();
  }
}
