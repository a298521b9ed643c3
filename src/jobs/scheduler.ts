/**
 * Scheduled work as a declarative list (STYLE: "jobs: a declarative list of scheduled work; each
 * job a plain testable function"). node-cron fires them in production; tests call `run` directly
 * and never start cron. A failing run is logged and the next one still fires.
 */
import { type ScheduledTask, schedule, validate } from 'node-cron';
import type { Logger } from '../util/logger.js';

export interface Job {
  name: string;
  /** cron expression: minute hour day-of-month month day-of-week (an optional seconds field first). */
  schedule: string;
  /** IANA time zone of the schedule; default the machine's. */
  timezone?: string | undefined;
  run(): Promise<unknown> | unknown;
}

export class JobScheduler {
  private tasks: ScheduledTask[] = [];

  constructor(
    private readonly jobs: readonly Job[],
    private readonly logger: Logger,
  ) {}

  start(): void {
    for (const job of this.jobs) {
      if (!validate(job.schedule)) throw new Error(`job ${job.name}: invalid cron expression "${job.schedule}"`);
      const opts = { name: job.name, noOverlap: true, ...(job.timezone ? { timezone: job.timezone } : {}) };
      this.tasks.push(schedule(job.schedule, () => runJob(job, this.logger), opts));
      this.logger.info({ job: job.name, schedule: job.schedule, timezone: job.timezone }, `scheduled ${job.name}`);
    }
  }

  stop(): void {
    for (const t of this.tasks) void Promise.resolve(t.destroy()).catch(() => undefined);
    this.tasks = [];
  }

  /** When each job fires next, for the log and tests. */
  nextRuns(): { name: string; next: Date | null }[] {
    return this.tasks.map((t, i) => ({ name: this.jobs[i]?.name ?? t.name ?? '?', next: t.getNextRun() }));
  }
}

export async function runJob(job: Job, logger: Logger): Promise<void> {
  const started = Date.now();
  try {
    await job.run();
    logger.info({ job: job.name, ms: Date.now() - started }, `${job.name} done`);
  } catch (err) {
    logger.error({ job: job.name, err }, `${job.name} failed`);
  }
}
