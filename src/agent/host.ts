/**
 * Host facts sent at enrollment (`HostFacts`): hostname, OS, arch, addresses, agent version, and on AWS the
 * instance id, region and zone from IMDSv2 (session token first, as AWS requires for v2), with a hard 1 s limit
 * for the whole lookup so a non-AWS host never waits. IMDS is link-local plain HTTP by AWS's design, and it is
 * asked directly, never through HTTPS_PROXY. The original agent asked a third-party site for the public IP over
 * plain HTTP; this agent asks nobody but IMDS.
 */
import http from 'node:http';
import os from 'node:os';
import type { CloudFacts, HostFacts } from '../api/agent-protocol';

export const IMDS_URL = 'http://169.254.169.254';
export const IMDS_LIMIT_MS = 1000;
/** IMDS answers are a few bytes; anything longer is not IMDS. */
const IMDS_MAX_BYTES = 4096;

/** One IMDS request: status and text, or an error (the signal bounds the whole lookup). */
function imdsRequest(
  url: string,
  options: { method?: string; headers: Record<string, string>; agent: http.Agent; signal: AbortSignal },
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { ...options, method: options.method ?? 'GET' }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        text += chunk;
        if (text.length > IMDS_MAX_BYTES) response.destroy(new Error('IMDS answer too long'));
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end();
  });
}

export async function awsFacts(base = IMDS_URL, limitMs = IMDS_LIMIT_MS): Promise<CloudFacts | null> {
  // Its own agent, never a proxy: IMDS is link-local.
  const agent = new http.Agent({ keepAlive: true });
  const signal = AbortSignal.timeout(limitMs);
  try {
    const tokenResponse = await imdsRequest(`${base}/latest/api/token`, {
      method: 'PUT',
      headers: { 'x-aws-ec2-metadata-token-ttl-seconds': '60' },
      agent,
      signal,
    });
    const token = tokenResponse.text;
    if (tokenResponse.status !== 200 || !token) return null;
    const get = async (p: string) => {
      const response = await imdsRequest(`${base}/latest/meta-data/${p}`, {
        headers: { 'x-aws-ec2-metadata-token': token },
        agent,
        signal,
      });
      const text = response.text.trim();
      return response.status === 200 && /^[A-Za-z0-9-]{1,64}$/.test(text) ? text : undefined;
    };
    const [instanceId, region, availabilityZone] = await Promise.all([
      get('instance-id'),
      get('placement/region'),
      get('placement/availability-zone'),
    ]);
    if (!instanceId || !region) return null;
    return { provider: 'aws', instanceId, region, ...(availabilityZone ? { availabilityZone } : {}) };
  } catch {
    return null;
  } finally {
    agent.destroy();
  }
}

/** Non-internal addresses of this host, IPv4 first. */
export function hostAddresses(interfaces = os.networkInterfaces()): string[] {
  const all = Object.values(interfaces)
    .flat()
    .filter((i): i is os.NetworkInterfaceInfo => Boolean(i) && !i!.internal);
  const v4 = all.filter((i) => i.family === 'IPv4').map((i) => i.address);
  const v6 = all.filter((i) => i.family === 'IPv6' && !i.address.startsWith('fe80')).map((i) => i.address);
  return [...new Set([...v4, ...v6])].slice(0, 64);
}

export async function hostFacts(options: {
  agentVersion: string;
  hostname?: string;
  imdsUrl?: string;
  imdsLimitMs?: number;
}): Promise<HostFacts> {
  return {
    hostname: options.hostname ?? os.hostname(),
    os: process.platform,
    arch: process.arch,
    osRelease: os.release(),
    ips: hostAddresses(),
    cloud: await awsFacts(options.imdsUrl, options.imdsLimitMs),
    agentVersion: options.agentVersion,
  };
}
