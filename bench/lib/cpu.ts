/**
 * CPU seconds of the processes in a run — broker, InfluxDB, daemon or ceiling subscriber, and the
 * bench itself (the publisher) — from /proc, so the table can show who used the two cores.
 */
import { readdir, readFile } from 'node:fs/promises';

/** utime + stime of a process, in seconds (NaN once it is gone). */
export async function cpuSeconds(pid: number): Promise<number> {
  try {
    const stat = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]?.split(' ') ?? [];
    return (Number(stat[11]) + Number(stat[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

/** Pids whose command line contains `needle` (e.g. a server's temp dir). */
export async function pidsWith(needle: string): Promise<number[]> {
  const out: number[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const cmd = await readFile(`/proc/${name}/cmdline`, 'utf8').catch(() => '');
    if (cmd.includes(needle)) out.push(Number(name));
  }
  return out;
}

/** Measures the CPU each named process uses between `start()` and `stop()`. */
export class CpuMeter {
  private before = new Map<string, number>();
  constructor(private readonly pids: Record<string, number | undefined>) {}

  async start(): Promise<void> {
    for (const [name, pid] of Object.entries(this.pids))
      if (pid !== undefined) this.before.set(name, await cpuSeconds(pid));
  }

  async stop(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const [name, pid] of Object.entries(this.pids))
      if (pid !== undefined) out[name] = (await cpuSeconds(pid)) - (this.before.get(name) ?? 0);
    return out;
  }
}

/**
 * Linux pressure stall information: the share of wall time some runnable task waited for a CPU,
 * since `since` (a previous reading). The bench's own processes cause some; much more means the
 * machine was busy with other work and the figures are noisy.
 */
export async function cpuPressure(since?: {
  totalUs: number;
  at: number;
}): Promise<{ totalUs: number; at: number; share: number }> {
  const text = await readFile('/proc/pressure/cpu', 'utf8').catch(() => '');
  const totalUs = Number(/^some .*total=(\d+)/m.exec(text)?.[1] ?? Number.NaN);
  const at = performance.now();
  const share = since ? (totalUs - since.totalUs) / 1000 / (at - since.at) : Number.NaN;
  return { totalUs, at, share };
}
