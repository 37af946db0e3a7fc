import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Value } from 'typebox/value';
import { afterAll, describe, expect, it } from 'vitest';
import { HostFacts } from '../api/agent-protocol';
import { awsFacts, hostAddresses, hostFacts } from './host';

/** A stand-in for EC2's instance metadata service (IMDSv2) on 127.0.0.1. */
function imds(handler: http.RequestListener): Promise<{ url: string; server: http.Server }> {
  const server = http.createServer(handler);
  servers.push(server);
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server }),
    ),
  );
}
const servers: http.Server[] = [];
afterAll(() => {
  for (const s of servers) {
    s.closeAllConnections();
    s.close();
  }
});

const META: Record<string, string> = {
  '/latest/meta-data/instance-id': 'i-0abc123def4567890',
  '/latest/meta-data/placement/region': 'eu-west-1',
  '/latest/meta-data/placement/availability-zone': 'eu-west-1b',
};

describe('host facts', () => {
  it('reads instance id, region and zone with an IMDSv2 session token', async () => {
    const seen: string[] = [];
    const { url } = await imds((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      if (req.method === 'PUT' && req.url === '/latest/api/token') {
        expect(req.headers['x-aws-ec2-metadata-token-ttl-seconds']).toBe('60');
        return res.end('TOKEN');
      }
      if (req.headers['x-aws-ec2-metadata-token'] !== 'TOKEN') return res.writeHead(401).end();
      const body = META[req.url ?? ''];
      return body ? res.end(body) : res.writeHead(404).end();
    });
    expect(await awsFacts(url)).toEqual({
      provider: 'aws',
      instanceId: 'i-0abc123def4567890',
      region: 'eu-west-1',
      availabilityZone: 'eu-west-1b',
    });
    expect(seen[0]).toBe('PUT /latest/api/token');
  });

  it('gives up within the limit on a service that never answers, and on none at all', async () => {
    const { url } = await imds(() => {
      /* never answers */
    });
    const started = Date.now();
    expect(await awsFacts(url, 300)).toBeNull();
    expect(Date.now() - started).toBeLessThan(3000);
    const closed = await imds((_q, r) => r.end());
    const port = (closed.server.address() as AddressInfo).port;
    await new Promise((r) => closed.server.close(r));
    expect(await awsFacts(`http://127.0.0.1:${port}`, 300)).toBeNull();
  });

  it('refuses metadata that is not a plain identifier', async () => {
    const { url } = await imds((req, res) => {
      if (req.method === 'PUT') return res.end('T');
      return res.end(req.url?.endsWith('instance-id') ? 'i-1\nEVIL: header' : 'eu-west-1');
    });
    expect(await awsFacts(url)).toBeNull();
    const { url: flood } = await imds((_q, r) => r.end('x'.repeat(10_000)));
    expect(await awsFacts(flood)).toBeNull();
  });

  it('collects facts that fit the enrollment schema', async () => {
    const { url } = await imds((_q, r) => r.writeHead(404).end());
    const facts = await hostFacts({ agentVersion: '0.1.0', imdsUrl: url });
    expect(facts.cloud).toBeNull();
    expect(Value.Check(HostFacts, facts)).toBe(true);
    expect(
      hostAddresses({
        lo: [{ address: '127.0.0.1', family: 'IPv4', internal: true, netmask: '', mac: '', cidr: null }],
        eth0: [
          {
            address: 'fe80::1',
            family: 'IPv6',
            internal: false,
            netmask: '',
            mac: '',
            cidr: null,
            scopeid: 2,
          },
          {
            address: '2001:db8::5',
            family: 'IPv6',
            internal: false,
            netmask: '',
            mac: '',
            cidr: null,
            scopeid: 0,
          },
          { address: '10.0.0.5', family: 'IPv4', internal: false, netmask: '', mac: '', cidr: null },
        ],
      }),
    ).toEqual(['10.0.0.5', '2001:db8::5']);
  });
});
