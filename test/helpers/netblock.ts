import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

/**
 * Drops UDP (media) or TCP (signalling) to and from some local ports with an nftables table of our own (netem does
 * not exist in this kernel). Loopback only; the table is deleted by `unblock`, and by `unblockAll` in a test's teardown
 * even after a failure. A dropped TCP connection stays open at both ends: what is written into it is lost unless the
 * block is lifted, like a network that went away under a socket.
 */
const tables = new Set<string>();

export function blockUdpPorts(ports: number[]): string {
  return blockPorts('udp', ports);
}

export function blockTcpPorts(ports: number[]): string {
  return blockPorts('tcp', ports);
}

function blockPorts(proto: 'udp' | 'tcp', ports: number[]): string {
  if (ports.length === 0) throw new Error('no ports to block');
  const table = `concord_test_${randomBytes(4).toString('hex')}`;
  const set = ports.join(', ');
  const script = [
    `table inet ${table} {`,
    '  chain input { type filter hook input priority -10; policy accept;',
    `    ${proto} sport { ${set} } drop`,
    `    ${proto} dport { ${set} } drop`,
    '  }',
    '  chain output { type filter hook output priority -10; policy accept;',
    `    ${proto} sport { ${set} } drop`,
    `    ${proto} dport { ${set} } drop`,
    '  }',
    '}',
  ].join('\n');
  execFileSync('nft', ['-f', '-'], { input: script });
  tables.add(table);
  return table;
}

export function unblock(table: string): void {
  if (!tables.has(table)) return;
  execFileSync('nft', ['delete', 'table', 'inet', table]);
  tables.delete(table);
}

export function unblockAll(): void {
  for (const t of [...tables]) {
    try {
      unblock(t);
    } catch {
      /* already gone */
    }
  }
}

/**
 * Aborts the TCP connection with local port `port` (the kernel's SOCK_DESTROY, `ss -K`). `local`: only the end bound to
 * that port sees it fail, the other does not know until it writes again; `both`: the peer's end too. With
 * `blockTcpPorts` first, whatever either side wrote meanwhile is lost, as when a phone's network goes away.
 */
export function abortTcp(port: number, ends: 'local' | 'both'): void {
  const filter = ends === 'local' ? `sport = :${port}` : `sport = :${port} or dport = :${port}`;
  execFileSync('ss', ['-K', '-t', filter]);
}
