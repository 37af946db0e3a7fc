/**
 * Unavailability of one environment in one billing cycle (spec §5.2–5.6): per-component downtime is the union of
 * its incidents; apps are Unavailable when all apps are down at once (intersection), databases likewise; the
 * environment is Unavailable when either holds; exclusions then remove downtime, never minutes of the period.
 */
import {
  clip,
  countMinutes,
  type Interval,
  intersectAll,
  type MinuteRule,
  type Minutes,
  subtract,
  subtractMinutes,
  union,
} from './intervals';
import type { Environment, Exclusion, Incident, Kind } from './model';
import type { Period } from './periods';

export interface IgnoredExclusion {
  exclusion: Exclusion;
  why: string;
}

export interface DowntimeInterval extends Interval {
  components: string[];
}

export interface Downtime {
  /** Unavailable time in the period after exclusions. */
  intervals: DowntimeInterval[];
  unavailable: Minutes;
  excluded: Minutes;
  app: Minutes;
  db: Minutes;
  applied: Exclusion[];
  ignored: IgnoredExclusion[];
}

/** The kind of a component in an environment: the inventory decides; incidents name it when there is none. */
export function componentKind(env: Environment, component: string): Kind | undefined {
  if (env.apps.includes(component)) return 'app';
  if (env.databases.includes(component)) return 'db';
  return undefined;
}

/** The exclusions that count for an environment, and the maintenance that does not (announced too late). */
export function effectiveExclusions(
  env: string,
  exclusions: readonly Exclusion[],
): { applied: Exclusion[]; ignored: IgnoredExclusion[] } {
  const applied: Exclusion[] = [];
  const ignored: IgnoredExclusion[] = [];
  for (const e of exclusions) {
    if (e.environment !== env && e.environment !== '*') continue;
    if (e.reason === 'maintenance' && (e.announcedAt === undefined || e.announcedAt >= e.start)) {
      ignored.push({
        exclusion: e,
        why: e.announcedAt === undefined ? 'no announcement time' : 'announced after it began',
      });
      continue;
    }
    applied.push(e);
  }
  return { applied, ignored };
}

export function environmentDowntime(
  env: Environment,
  incidents: readonly Incident[],
  exclusions: readonly Exclusion[],
  period: Period,
  rule: MinuteRule,
): Downtime {
  const byComponent = new Map<string, Interval[]>();
  for (const i of incidents) {
    if (i.environment !== env.name) continue;
    const list = byComponent.get(i.component) ?? [];
    list.push({ start: i.start, end: i.end });
    byComponent.set(i.component, list);
  }
  const downOf = (c: string) => clip(union(byComponent.get(c) ?? []), period);
  const appDown = intersectAll(env.apps.map(downOf));
  const dbDown = intersectAll(env.databases.map(downOf));
  const raw = union([...appDown, ...dbDown]);

  const { applied, ignored } = effectiveExclusions(env.name, exclusions);
  const excludedSet = union(applied.map((e) => ({ start: e.start, end: e.end })));
  const down = subtract(raw, excludedSet);
  const unavailable = countMinutes(down, rule);

  const components = [...env.apps, ...env.databases];
  const intervals = down.map((i) => ({
    ...i,
    components: components.filter((c) => downOf(c).some((d) => d.start < i.end && d.end > i.start)),
  }));
  return {
    intervals,
    unavailable,
    excluded: subtractMinutes(countMinutes(raw, rule), unavailable),
    app: countMinutes(subtract(appDown, excludedSet), rule),
    db: countMinutes(subtract(dbDown, excludedSet), rule),
    applied: applied.filter((e) => raw.some((r) => r.start < e.end && r.end > e.start)),
    ignored: ignored.filter(({ exclusion: e }) => raw.some((r) => r.start < e.end && r.end > e.start)),
  };
}
