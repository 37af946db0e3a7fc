/**
 * The agent's hard rule (issue 7 §8): it never listens on a network socket. This reads, from /proc alone, which
 * network sockets a process holds that accept connections (TCP LISTEN) or datagrams from anyone (bound, unconnected
 * UDP), so a test — and an operator — can check a running agent. Linux only; elsewhere it says it cannot tell.
 */
import { readdir, readFile, readlink } from 'node:fs/promises';

export interface ListeningSocket {
  protocol: 'tcp' | 'tcp6' | 'udp' | 'udp6';
  /** address:port as /proc shows it, decoded (IPv4 dotted; IPv6 as hex groups). */
  local: string;
  inode: string;
}

function decodeAddress(hex: string, v6: boolean): string {
  const [addr, port] = hex.split(':') as [string, string];
  const p = Number.parseInt(port, 16);
  if (!v6) {
    const bytes = addr
      .match(/../g)!
      .map((b) => Number.parseInt(b, 16))
      .reverse();
    return `${bytes.join('.')}:${p}`;
  }
  // Four little-endian 32-bit words.
  const words = addr.match(/.{8}/g)!.map((w) => w.match(/../g)!.reverse().join(''));
  const groups = words
    .join('')
    .match(/.{4}/g)!
    .map((g) => g.replace(/^0+(?=.)/, ''));
  return `[${groups.join(':')}]:${p}`;
}

async function table(protocol: ListeningSocket['protocol']): Promise<ListeningSocket[]> {
  const text = await readFile(`/proc/net/${protocol}`, 'utf8').catch(() => '');
  const v6 = protocol.endsWith('6');
  const tcp = protocol.startsWith('tcp');
  const found: ListeningSocket[] = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10) continue;
    const [, local, remote, state] = f;
    const inode = f[9]!;
    const remotePort = remote!.split(':')[1];
    const listening = tcp ? state === '0A' : state === '07' && remotePort === '0000';
    if (listening) found.push({ protocol, local: decodeAddress(local!, v6), inode });
  }
  return found;
}

/** The listening network sockets held by process `pid`, or undefined where /proc cannot tell. */
export async function listeningSockets(pid: number): Promise<ListeningSocket[] | undefined> {
  let fds: string[];
  try {
    fds = await readdir(`/proc/${pid}/fd`);
  } catch {
    return undefined;
  }
  const inodes = new Set<string>();
  for (const fd of fds) {
    const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
    const match = /^socket:\[(\d+)\]$/.exec(target);
    if (match) inodes.add(match[1]!);
  }
  const all = (await Promise.all((['tcp', 'tcp6', 'udp', 'udp6'] as const).map(table))).flat();
  return all.filter((s) => inodes.has(s.inode));
}
