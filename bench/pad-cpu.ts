import fs from 'node:fs';

/**
 * CPU time of the calling thread alone, in ms, or null where the OS does not say. Node 20 has no
 * `process.threadCpuUsage` (Node 23.9+), and `process.cpuUsage()` sums every thread of the process (the author
 * workers, V8's GC helpers, libuv's pool), so on Linux it is read from /proc/thread-self/stat: utime and stime, fields
 * 14 and 15, in clock ticks (USER_HZ, 100 on Linux: 10 ms resolution).
 */
export function threadCpuMs(): number | null {
  let stat: string;
  try {
    stat = fs.readFileSync('/proc/thread-self/stat', 'utf8');
  } catch {
    return null;
  }
  // The command name (field 2) is in parentheses and may hold spaces: count the fields after its closing one.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  return Number.isFinite(utime) && Number.isFinite(stime) ? ((utime + stime) * 1000) / 100 : null;
}

/** Process CPU time (all threads), in ms. */
export function processCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

export const since = (a: number | null, b: number | null): number | null => (a === null || b === null ? null : b - a);
