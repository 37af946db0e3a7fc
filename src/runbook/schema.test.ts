import { Ajv } from 'ajv';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CONFIG_SCHEMA } from './config';
import { AJV_OPTIONS, isValidManifest, MANIFEST_SCHEMA } from './schema';

const ajv = new Ajv({ allErrors: true, strict: false }).compile(MANIFEST_SCHEMA);

// values around each keyword's edges: right and wrong types, empty, patterns just in and out
const scalar = fc.oneof(
  fc.constantFrom('', 'a', 'x y', 'host-1', 'Host', '-x', 'a'.repeat(64), 'a'.repeat(65), 'é', '\u{1F600}'),
  fc.constantFrom('5m', '1h30m', '90s', 's', 'm5', '10', '2m1h', 'diagnose', 'remediate'),
  fc.constantFrom(0, 1, -1, 2, 1.5, 300, true, false, null),
  fc.string({ maxLength: 6 }),
  fc.integer({ min: -3, max: 1000 }),
);
/** Mostly a valid value, sometimes any edge value. */
const mostly = <T>(valid: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: valid, weight: 15 }, { arbitrary: scalar as fc.Arbitrary<unknown>, weight: 1 });
const words = mostly(fc.array(mostly(fc.constantFrom('systemctl', 'web-*', 'role=db')), { maxLength: 3 }));
const duration = mostly(fc.constantFrom(60, '2m', '1h', '1h30m5s'));
const param = mostly(
  fc.record(
    {
      description: mostly(fc.constant('the unit')),
      pattern: mostly(fc.constant('^[a-z]+$')),
      enum: mostly(fc.array(mostly(fc.constantFrom('a', 'b')), { minLength: 1, maxLength: 2 })),
      maxLength: mostly(fc.constantFrom(1, 64)),
      required: mostly(fc.boolean()),
      default: mostly(fc.constant('app')),
    },
    { requiredKeys: [] },
  ),
);
const manifest = fc.record(
  {
    name: mostly(fc.constantFrom('runbook-1', 'a.b_c', 'r', 'a'.repeat(64))),
    description: mostly(fc.constant('Restarts the unit.')),
    mode: mostly(fc.constantFrom('diagnose', 'remediate')),
    timeout: duration,
    run_as: mostly(fc.constant('app')),
    sudo: words,
    hosts: words,
    params: mostly(
      fc.dictionary(
        fc.oneof(
          { arbitrary: fc.constantFrom('service', 'NP_HOST', '_x'), weight: 15 },
          { arbitrary: fc.constantFrom('1bad', 'a-b', '', 'é'), weight: 1 },
        ),
        param,
        { maxKeys: 3 },
      ),
    ),
    caps: mostly(
      fc.record(
        { max: mostly(fc.constantFrom(1, 5)), per: duration, cooldown: duration },
        { requiredKeys: [] },
      ),
    ),
    destructive: mostly(fc.boolean()),
    idempotent: mostly(fc.boolean()),
    requires: words,
  },
  { requiredKeys: [] },
);

describe('isValidManifest (the schema without Ajv)', () => {
  it('accepts the common manifest', () => {
    const m = { name: 'restart-app', description: 'Restarts it.', mode: 'remediate', timeout: '2m' };
    expect(isValidManifest(m)).toBe(true);
    expect(isValidManifest({ ...m, params: { service: { pattern: '^[a-z]+$', maxLength: 64 } } })).toBe(true);
    expect(isValidManifest({ ...m, timeout: 'soon' })).toBe(false);
    expect(isValidManifest([m])).toBe(false);
  });

  it('agrees with Ajv on MANIFEST_SCHEMA (property)', () => {
    const common = fc.record({
      name: fc.constant('runbook-1'),
      description: fc.constant('Does a thing.'),
      mode: fc.constant('diagnose'),
      timeout: fc.constant('5m'),
    });
    // a valid base with keys added or varied, so both answers are common
    const value = fc.oneof(
      { arbitrary: fc.tuple(common, manifest).map(([base, more]) => ({ ...base, ...more })), weight: 8 },
      { arbitrary: manifest, weight: 1 },
      // a key the schema does not have, at any level
      {
        arbitrary: fc
          .tuple(common, manifest, fc.constantFrom('extra', 'caps', 'params'))
          .map(([base, more, where]) =>
            where === 'extra'
              ? { ...base, ...more, extra: 1 }
              : where === 'caps'
                ? { ...base, caps: { max: 1, burst: 2 } }
                : { ...base, params: { service: { pattern: 'x', other: 1 } } },
          ),
        weight: 1,
      },
      { arbitrary: scalar, weight: 1 },
    );
    let valid = 0;
    fc.assert(
      fc.property(value, (v) => {
        const answer = ajv(v);
        if (answer) valid++;
        expect(isValidManifest(v)).toBe(answer);
      }),
      { numRuns: 20_000 },
    );
    // both answers were exercised
    expect(valid).toBeGreaterThan(500);
    expect(valid).toBeLessThan(19_500);
  });
});

describe('the schemas themselves (run time compiles them without validateSchema: AJV_OPTIONS)', () => {
  it.each([
    ['MANIFEST_SCHEMA', MANIFEST_SCHEMA],
    ['CONFIG_SCHEMA', CONFIG_SCHEMA],
  ])('%s is a valid JSON schema (draft-07 meta-schema)', (_name, schema) => {
    const checker = new Ajv({ strict: false });
    expect(checker.validateSchema(schema), JSON.stringify(checker.errors)).toBe(true);
    expect(AJV_OPTIONS.validateSchema).toBe(false);
  });

  it('still rejects a broken schema when it is checked', () => {
    expect(new Ajv({ strict: false }).validateSchema({ type: 'no-such-type' })).toBe(false);
  });
});
