import { describe, expect, it } from 'vitest';
import { versionString } from './core/version';
import { unknownCommand } from './main';

describe('unknownCommand', () => {
  const commands = new Set(['allowlist', 'allowlist:check', 'runbook:lint', 'autocomplete']);
  const topics = new Set(['allowlist', 'runbook']);
  const find = (words: string[]) =>
    unknownCommand(
      words,
      (id) => commands.has(id),
      (id) => topics.has(id),
    );

  it('accepts commands, with or without arguments', () => {
    expect(find(['allowlist', 'check', '1.2.3.4'])).toBeUndefined();
    expect(find(['allowlist'])).toBeUndefined();
    expect(find(['runbook', 'lint', 'a.sh'])).toBeUndefined();
    expect(find(['autocomplete', 'bash'])).toBeUndefined();
  });
  it('accepts a bare topic (its help is shown)', () => {
    expect(find(['runbook'])).toBeUndefined();
  });
  it('names the unknown word and nothing after it', () => {
    expect(find(['autocompelte', 'bash'])).toEqual(['autocompelte']);
    expect(find(['runbook', 'lnit', 'a.sh'])).toEqual(['runbook', 'lnit']);
  });
});

describe('versionString', () => {
  it('names the version, platform and Node runtime', () => {
    expect(versionString()).toMatch(/^neptune\/\d+\.\d+\.\d+ \w+-\w+ node-v\d+\.\d+\.\d+$/);
  });
});
