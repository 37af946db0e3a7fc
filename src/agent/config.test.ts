import { describe, expect, it } from 'vitest';
import { DEFAULTS, loadAgentConfig, parseDuration, parseSize, readLegacyConfig } from './config';

const files = (map: Record<string, string>) => async (file: string) => {
  if (file in map) return map[file]!;
  throw Object.assign(new Error(`ENOENT: ${file}`), { code: 'ENOENT' });
};

const YAML = `
api-url: https://neptune.example.com/
state-dir: /srv/neptune
tags: [web, prod]
concurrency: 2
output-cap: 1MiB
drain-timeout: 5m
allow-run-as: [postgres]
`;

describe('agent config', () => {
  it('uses defaults when nothing is set (and a missing agent.yaml is fine)', async () => {
    const loaded = await loadAgentConfig({ env: {}, configFile: '/none/agent.yaml', readText: files({}) });
    expect(loaded.settings).toEqual(DEFAULTS);
    expect(Object.values(loaded.sources).every((s) => s === 'default')).toBe(true);
  });

  it('precedence: flag > NEPTUNE_* env > agent.yaml > default', async () => {
    const loaded = await loadAgentConfig({
      flags: { concurrency: '8' },
      env: { NEPTUNE_AGENT_CONCURRENCY: '3', NEPTUNE_STATE_DIR: '/env/state', NEPTUNE_AGENT_TAGS: '' },
      configFile: '/etc/neptune/agent.yaml',
      readText: files({ '/etc/neptune/agent.yaml': YAML }),
    });
    expect(loaded.settings).toMatchObject({
      concurrency: 8,
      stateDir: '/env/state',
      apiUrl: 'https://neptune.example.com',
      tags: ['web', 'prod'],
      outputCapBytes: 1024 * 1024,
      drainTimeoutMs: 300_000,
      allowRunAs: ['postgres'],
      killGraceMs: 10_000,
    });
    expect(loaded.sources).toMatchObject({
      concurrency: 'flag',
      stateDir: 'env',
      apiUrl: 'file',
      tags: 'file',
      killGraceMs: 'default',
    });
  });

  it('NEPTUNE_AGENT_CONFIG names another file', async () => {
    const loaded = await loadAgentConfig({
      env: { NEPTUNE_AGENT_CONFIG: '/opt/agent.yaml' },
      readText: files({ '/opt/agent.yaml': 'hostname: web-9\n' }),
    });
    expect(loaded.configFile).toBe('/opt/agent.yaml');
    expect(loaded.settings.hostname).toBe('web-9');
  });

  it('refuses unknown keys, bad values and broken YAML as configuration errors (exit 78)', async () => {
    const load = (text: string, env: NodeJS.ProcessEnv = {}) =>
      loadAgentConfig({ env, configFile: '/a.yaml', readText: files({ '/a.yaml': text }) });
    await expect(load('concurrenty: 3')).rejects.toMatchObject({
      code: 'AGENT_CONFIG_UNKNOWN_KEY',
      exitCode: 78,
    });
    await expect(load('concurrency: 0')).rejects.toMatchObject({ code: 'AGENT_CONFIG_VALUE', exitCode: 78 });
    await expect(load('api-url: http://plain.example')).rejects.toMatchObject({ code: 'AGENT_CONFIG_VALUE' });
    await expect(load('output-cap: lots')).rejects.toMatchObject({ code: 'AGENT_CONFIG_VALUE' });
    await expect(load('a: [')).rejects.toMatchObject({ code: 'AGENT_CONFIG_YAML', exitCode: 78 });
    await expect(load('- a\n- b')).rejects.toMatchObject({ code: 'AGENT_CONFIG_YAML' });
    await expect(load('', { NEPTUNE_AGENT_KILL_GRACE: 'soon' })).rejects.toThrow(/NEPTUNE_AGENT_KILL_GRACE/);
  });

  it('parses durations and sizes', () => {
    expect(parseDuration('10s')).toBe(10_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('15')).toBe(15_000);
    expect(parseDuration('1d')).toBeUndefined();
    expect(parseSize('16MiB')).toBe(16 * 1024 * 1024);
    expect(parseSize('64k')).toBe(65_536);
    expect(parseSize('1GB')).toBe(1_000_000_000);
    expect(parseSize('2 GiB')).toBe(2 * 1024 ** 3);
    expect(parseSize('many')).toBeUndefined();
  });

  describe('migration from the original neptune-agent.json', () => {
    const original = JSON.stringify({
      Neptune: { ApiKey: 'abc123secret', Endpoint: 'neptune.internal.example' },
      Agent: {
        AssignedHostname: 'db-1',
        LogFile: 'neptune-agent.log',
        DebugMode: true,
        GithubApiKey: 'ghp_x',
      },
    });

    it('carries endpoint, hostname, log file and debug over; never the keys', () => {
      const { raw, notes } = readLegacyConfig(original, '/home/neptune/agent/neptune-agent.json');
      expect(raw).toEqual({
        apiUrl: 'https://neptune.internal.example',
        hostname: 'db-1',
        logFile: '/home/neptune/agent/neptune-agent.log',
        debug: true,
      });
      expect(notes.join('\n')).toContain('hosts token create');
      expect(notes.join('\n')).toContain('GithubApiKey is ignored');
      expect(notes.join('\n')).not.toContain('abc123secret');
      expect(notes.join('\n')).not.toContain('ghp_x');
    });

    it('reads keys case-insensitively, ignores placeholders and the defunct hosted endpoint', () => {
      const { raw, notes } = readLegacyConfig(
        JSON.stringify({
          neptune: { apikey: 'API_KEY_HERE', endpoint: 'www.neptune.io' },
          agent: { assignedhostname: 'ASSIGNED_HOSTNAME_HERE' },
        }),
        '/x/neptune-agent.json',
      );
      expect(raw).toEqual({});
      expect(notes).toEqual([
        '/x/neptune-agent.json: Endpoint www.neptune.io is the original hosted service; set api-url to your neptune server',
      ]);
    });

    it('sits below agent.yaml in precedence', async () => {
      const loaded = await loadAgentConfig({
        env: {},
        configFile: '/etc/neptune/agent.yaml',
        legacyFile: '/old/neptune-agent.json',
        readText: files({
          '/etc/neptune/agent.yaml': 'hostname: from-yaml\n',
          '/old/neptune-agent.json': original,
        }),
      });
      expect(loaded.settings.hostname).toBe('from-yaml');
      expect(loaded.settings.apiUrl).toBe('https://neptune.internal.example');
      expect(loaded.sources.apiUrl).toBe('legacy');
      expect(loaded.notes).toHaveLength(2);
    });

    it('refuses a legacy file that is not JSON, or missing', async () => {
      expect(() => readLegacyConfig('{', '/x.json')).toThrow(/not JSON/);
      await expect(
        loadAgentConfig({ env: {}, configFile: '/a', legacyFile: '/missing.json', readText: files({}) }),
      ).rejects.toMatchObject({ code: 'AGENT_LEGACY_CONFIG', exitCode: 78 });
    });
  });
});
