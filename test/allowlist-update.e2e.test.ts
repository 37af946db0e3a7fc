/**
 * `neptune allowlist update`, `--refresh` and `--ranges https://…` against a local HTTPS server (throwaway CA; TLS
 * is never switched off): conditional requests, validation before anything is stored, syncToken monotonic unless
 * --allow-older, the size limit, an atomic cache, and progress only on a terminal.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, cliEnv, REPO, runCli, tempHome } from './helpers/cli';
import { startHttpsServer, type TestHttpsServer, testPki } from './helpers/tls';

const FIXTURES = path.join(REPO, 'test/fixtures/allowlist');
const embeddedJson = gunzipSync(readFileSync(path.join(REPO, 'data/aws/ip-ranges.json.gz')));
const embedded = JSON.parse(embeddedJson.toString('utf8'));
const olderJson = gunzipSync(readFileSync(path.join(FIXTURES, 'ip-ranges-2026-07-23-12-47-05.json.gz')));

/** A snapshot one hour newer than the embedded one, with one documentation prefix added to EC2 in us-east-1. */
const newer = {
  ...embedded,
  syncToken: String(Number(embedded.syncToken) + 3600),
  createDate: '2026-08-22-16-17-05',
  prefixes: [
    ...embedded.prefixes,
    { ip_prefix: '192.0.2.0/24', region: 'us-east-1', service: 'EC2', network_border_group: 'us-east-1' },
  ],
};
const newerJson = Buffer.from(JSON.stringify(newer, null, 2));
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

interface Route {
  body: Buffer;
  etag?: string;
  lastModified?: string;
  status?: number;
}
const routes = new Map<string, Route>();
const seen: { url: string; headers: IncomingMessage['headers'] }[] = [];
let server: TestHttpsServer;
let caFile: string;

function handler(req: IncomingMessage, res: ServerResponse): void {
  seen.push({ url: req.url ?? '', headers: req.headers });
  if (req.url === '/huge.json') {
    // 65 MiB of valid-looking JSON, streamed: the client must stop at its limit.
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"syncToken": "9999999999", "createDate": "2030-01-01-00-00-00", "prefixes": [');
    const chunk = Buffer.alloc(1 << 20, 0x20);
    let sent = 0;
    const pump = () => {
      while (sent < 65 && res.write(chunk)) sent++;
      if (sent < 65) res.once('drain', pump);
      else res.end(']}');
    };
    res.on('error', () => {});
    pump();
    return;
  }
  const route = routes.get(req.url ?? '');
  if (!route) {
    res.writeHead(404).end('not found');
    return;
  }
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (route.etag) headers.etag = route.etag;
  if (route.lastModified) headers['last-modified'] = route.lastModified;
  if (route.etag && req.headers['if-none-match'] === route.etag) {
    res.writeHead(304, headers).end();
    return;
  }
  if (!route.etag && route.lastModified && req.headers['if-modified-since'] === route.lastModified) {
    res.writeHead(304, headers).end();
    return;
  }
  res.writeHead(route.status ?? 200, headers).end(route.body);
}

beforeAll(async () => {
  caFile = (await testPki()).caFile;
  server = await startHttpsServer(handler);
  routes.set('/newer.json', { body: newerJson, etag: '"v2"' });
  routes.set('/lastmod.json', { body: newerJson, lastModified: 'Sat, 22 Aug 2026 16:17:05 GMT' });
  routes.set('/older.json', { body: olderJson, etag: '"v0"' });
  routes.set('/bad.json', { body: readFileSync(path.join(FIXTURES, 'bad/host-bits.json')) });
  routes.set('/truncated.json', { body: newerJson.subarray(0, 100_000) });
  routes.set('/html.json', { body: Buffer.from('<html>maintenance</html>') });
  routes.set('/embedded.json', { body: embeddedJson, etag: '"v1"' });
});

afterAll(async () => {
  await server?.close();
});

const url = (p: string) => `${server.url}${p}`;
const update = (home: string, args: string[] = [], env: Record<string, string> = {}) =>
  runCli(['allowlist', 'update', ...args], { home, env: { NEPTUNE_CA_FILE: caFile, ...env } });
const cacheDir = (home: string) => path.join(home, 'cache', 'allowlist');
const cacheFiles = (home: string) => (existsSync(cacheDir(home)) ? readdirSync(cacheDir(home)).sort() : []);

describe('neptune allowlist update', { timeout: 120_000 }, () => {
  it('fetches, validates and stores the file atomically; later runs use it; a repeat is a 304', async () => {
    const home = tempHome();
    const r = await update(home, ['--url', url('/newer.json'), '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({
      status: 'updated',
      url: url('/newer.json'),
      inForce: 'cache',
      snapshot: {
        syncToken: newer.syncToken,
        createDate: newer.createDate,
        sha256: sha(newerJson),
        source: 'cache',
      },
      previous: { syncToken: embedded.syncToken, source: 'embedded' },
      bytes: newerJson.length,
      md5: createHash('md5').update(newerJson).digest('hex'),
    });
    // Exactly the file and meta.json, no temporary files; the stored bytes are the served bytes.
    expect(cacheFiles(home)).toEqual([`ip-ranges-${newer.syncToken}.json`, 'meta.json']);
    expect(sha(readFileSync(path.join(cacheDir(home), `ip-ranges-${newer.syncToken}.json`)))).toBe(
      sha(newerJson),
    );
    const meta = JSON.parse(readFileSync(path.join(cacheDir(home), 'meta.json'), 'utf8'));
    expect(meta).toMatchObject({ etag: '"v2"', syncToken: newer.syncToken, url: url('/newer.json') });

    // The default run now reads the cache: the added prefix is there, and the stamp says so.
    const run = await runCli(['allowlist', '--service', 'EC2', '--region', 'us-east-1', '--ipv4', '--json'], {
      home,
    });
    const plan = JSON.parse(run.stdout);
    expect(plan.snapshot).toMatchObject({ source: 'cache', syncToken: newer.syncToken });
    expect(plan.ipv4).toContain('192.0.2.0/24');

    const again = await update(home, ['--url', url('/newer.json')]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/^not modified since the last update: createDate 2026-08-22-16-17-05/);
    expect(seen.at(-1)!.headers['if-none-match']).toBe('"v2"');
  });

  it('uses If-Modified-Since when the server gives only Last-Modified', async () => {
    const home = tempHome();
    expect((await update(home, ['--url', url('/lastmod.json')])).code).toBe(0);
    const again = await update(home, ['--url', url('/lastmod.json'), '--json']);
    expect(JSON.parse(again.stdout).status).toBe('not-modified');
    expect(seen.at(-1)!.headers['if-modified-since']).toBe('Sat, 22 Aug 2026 16:17:05 GMT');
  });

  it('refuses a file whose syncToken goes backwards (exit 65, cache untouched) unless --allow-older', async () => {
    const home = tempHome();
    await update(home, ['--url', url('/newer.json')]);
    const before = cacheFiles(home);
    const metaBefore = readFileSync(path.join(cacheDir(home), 'meta.json'), 'utf8');
    const r = await update(home, ['--url', url('/older.json')]);
    expect(r.code).toBe(65);
    expect(r.stderr.split('\n')[0]).toBe(
      `error: ${url('/older.json')} has syncToken 1784810825 (2026-07-23-12-47-05), older than the cache snapshot ${newer.syncToken} (${newer.createDate}); nothing was stored`,
    );
    expect(r.stderr).toMatch(/hint: .*--allow-older/);
    expect(cacheFiles(home)).toEqual(before);
    expect(readFileSync(path.join(cacheDir(home), 'meta.json'), 'utf8')).toBe(metaBefore);

    const forced = await update(home, ['--url', url('/older.json'), '--allow-older']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toMatch(
      /^stored an OLDER snapshot \(--allow-older\): createDate 2026-07-23-12-47-05/,
    );
    // Older than the embedded one too, so the embedded snapshot stays in force, and the run says so.
    expect(forced.stderr).toMatch(/the embedded snapshot .* is newer and stays in force/);
    const cached = await runCli(['allowlist', '--ranges', 'cache', '--json', '--service', 'S3'], { home });
    expect(JSON.parse(cached.stdout).snapshot).toMatchObject({ source: 'cache', syncToken: '1784810825' });
    const dflt = await runCli(['allowlist', '--json', '--service', 'S3'], { home });
    expect(JSON.parse(dflt.stdout).snapshot.source).toBe('embedded');
  });

  it('an older file than the embedded snapshot is refused even with an empty cache', async () => {
    const home = tempHome();
    const r = await update(home, ['--url', url('/older.json')]);
    expect(r.code).toBe(65);
    expect(r.stderr).toContain('older than the embedded snapshot');
    expect(cacheFiles(home)).toEqual([]);
  });

  it('the embedded snapshot itself is "unchanged"', async () => {
    const home = tempHome();
    const r = await update(home, ['--url', url('/embedded.json'), '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ status: 'unchanged', inForce: 'embedded' });
  });

  it('stores nothing from a malformed, truncated or non-JSON response (exit 65, with the entry and reason)', async () => {
    for (const [p, reason] of [
      ['/bad.json', /prefixes\[0\]: ip_prefix "3\.5\.140\.1\/22": has host bits set/],
      ['/truncated.json', /not valid JSON: the file ends early \(truncated download\?\)/],
      ['/html.json', /not valid JSON \(Unexpected token '<'/],
    ] as const) {
      const home = tempHome();
      const r = await update(home, ['--url', url(p)]);
      expect(r.code, p).toBe(65);
      expect(r.stderr.split('\n')[0]).toMatch(new RegExp(`^error: ${url(p).replace(/[.?]/g, '\\$&')}: `));
      expect(r.stderr.split('\n')[0]).toMatch(reason);
      expect(cacheFiles(home), p).toEqual([]);
    }
  });

  it('stops a response above the size limit (64 MiB) and stores nothing', async () => {
    const home = tempHome();
    const r = await update(home, ['--url', url('/huge.json')]);
    expect(r.code).toBe(65);
    expect(r.stderr.split('\n')[0]).toMatch(/is larger than 67108864 bytes$/);
    expect(cacheFiles(home)).toEqual([]);
  });

  it('HTTP errors are 69, an untrusted certificate is 69, a plain http URL is 64', async () => {
    const home = tempHome();
    const missing = await update(home, ['--url', url('/nope.json')]);
    expect(missing.code).toBe(69);
    expect(missing.stderr.split('\n')[0]).toBe(`error: ${url('/nope.json')} answered HTTP 404`);
    const untrusted = await runCli(['allowlist', 'update', '--url', url('/newer.json')], { home });
    expect(untrusted.code).toBe(69);
    expect(untrusted.stderr).toMatch(/^error: TLS verification failed for https:\/\/127\.0\.0\.1:\d+/);
    const plain = await update(home, ['--url', 'http://127.0.0.1:1/ip-ranges.json']);
    expect(plain.code).toBe(64);
    expect(cacheFiles(home)).toEqual([]);
  });

  it('a damaged cache is replaced by the next update, and ignored (with a warning) until then', async () => {
    const home = tempHome();
    await update(home, ['--url', url('/newer.json')]);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(path.join(cacheDir(home), 'meta.json'), '{"file": 3');
    const run = await runCli(['allowlist', '--service', 'S3', '--json'], { home });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^warning: ignoring the cached ip-ranges\.json: .*meta\.json is damaged/);
    expect(JSON.parse(run.stdout).snapshot.source).toBe('embedded');
    const fixed = await update(home, ['--url', url('/newer.json'), '--json']);
    expect(JSON.parse(fixed.stdout).status).toBe('updated');
  });
});

describe('--refresh and --ranges https://', { timeout: 120_000 }, () => {
  it('--refresh updates first (NEPTUNE_AWS_RANGES_URL), then prints from the new snapshot', async () => {
    const home = tempHome();
    const r = await runCli(
      ['allowlist', '--refresh', '--service', 'EC2', '--region', 'us-east-1', '--ipv4'],
      {
        home,
        env: { NEPTUNE_CA_FILE: caFile, NEPTUNE_AWS_RANGES_URL: url('/newer.json') },
      },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n')).toContain('192.0.2.0/24');
    expect(cacheFiles(home)).toContain(`ip-ranges-${newer.syncToken}.json`);
    // A failed refresh is an error, not a silent fall-back to older data.
    const failed = await runCli(['allowlist', '--refresh'], {
      home,
      env: { NEPTUNE_CA_FILE: caFile, NEPTUNE_AWS_RANGES_URL: url('/bad.json') },
    });
    expect(failed.code).toBe(65);
    expect(failed.stdout).toBe('');
  });

  it('--ranges https://… reads a URL without touching the cache', async () => {
    const home = tempHome();
    const r = await runCli(
      ['allowlist', '--ranges', url('/newer.json'), '--service', 'EC2', '--ipv4', '--json'],
      {
        home,
        env: { NEPTUNE_CA_FILE: caFile },
      },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).snapshot).toMatchObject({
      source: url('/newer.json'),
      syncToken: newer.syncToken,
    });
    expect(cacheFiles(home)).toEqual([]);
  });
});

describe('progress', { timeout: 120_000 }, () => {
  it('is silent when stderr is not a terminal', async () => {
    const home = tempHome();
    const r = await update(home, ['--url', url('/newer.json')]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^updated: the cache now holds createDate /);
  });

  it('shows a spinner on a terminal (script(1) gives the CLI a pty)', async (ctx) => {
    if (spawnSync('script', ['--version']).status !== 0) {
      const reason = 'script(1) from util-linux is not installed, so no pty can be given to the CLI';
      console.log(`skipped: ${reason}`);
      ctx.skip(reason);
    }
    const home = tempHome();
    const env = cliEnv(home, { NEPTUNE_CA_FILE: caFile, TERM: 'xterm', CI: undefined });
    // A pty starts with 0 columns; ora needs a width to redraw its line.
    const command = `stty cols 100 rows 30; '${BIN}' allowlist update --url '${url('/newer.json')}'`;
    // Not spawnSync: the HTTPS server runs in this process and must keep answering.
    const r = await new Promise<{ status: number | null; stdout: string }>((resolve, reject) => {
      const child = spawn('script', ['-qefc', command, '/dev/null'], {
        env,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stdout = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        stdout += d;
      });
      child.on('error', reject);
      child.on('close', (status) => resolve({ status, stdout }));
      child.stdin.end();
    });
    expect(r.status, r.stdout.slice(0, 2000)).toBe(0);
    expect(r.stdout).toContain(`updating ip-ranges.json from ${url('/newer.json')}`);
    expect(r.stdout).toMatch(/ip-ranges\.json updated \(createDate 2026-08-22-16-17-05\)/);
    expect(statSync(path.join(cacheDir(home), 'meta.json')).isFile()).toBe(true);
  });
});
