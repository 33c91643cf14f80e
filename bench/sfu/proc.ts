import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

/** What the SFU benchmark reads from /proc and sets with taskset: CPU time, RSS and core pinning of processes. */

const TICK_US = 1_000_000 / 100; // /proc stat clock ticks (USER_HZ 100 on Linux)

/** User + system CPU of a process (all its threads), in µs. */
export function cpuMicros(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_US; // utime, stime
}

/** Resident set size in bytes. */
export function rssBytes(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

export const sumOver = (pids: readonly number[], f: (pid: number) => number): number => pids.reduce((n, p) => n + f(p), 0);

/** Pins every thread of a process to cores ("1", "0-1"; taskset -a -p -c); false when taskset is missing or refuses. */
export function pin(pid: number, cores: number | string): boolean {
  try {
    execFileSync('taskset', ['-a', '-p', '-c', String(cores), String(pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
