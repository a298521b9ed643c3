/**
 * The daily report's schedule (SPEC §9): a node-cron job at `notify.dailyReport.schedule` in the
 * report's time zone, started again whenever the schedule or the zone changes on a reload.
 */
import type { NotifyConfig } from '../config/schema.js';
import { dailyReportJob } from '../jobs/daily-report.js';
import { JobScheduler } from '../jobs/scheduler.js';
import type { Logger } from '../util/logger.js';

type ReportConfig = NotifyConfig['dailyReport'];

export class ReportSchedule {
  private jobs: JobScheduler | undefined;
  private running: { config: ReportConfig; zone: string | undefined } | undefined;

  constructor(
    private readonly send: () => unknown,
    private readonly logger: Logger,
  ) {}

  /** Run (or stop) the job for this config and zone; a no-op when neither changed. */
  set(config: ReportConfig, zone: string | undefined): void {
    if (this.running && JSON.stringify(this.running) === JSON.stringify({ config, zone })) return;
    this.stop();
    this.running = { config, zone };
    if (!config) return;
    this.jobs = new JobScheduler([dailyReportJob(config, zone, this.send)], this.logger);
    this.jobs.start();
  }

  stop(): void {
    this.jobs?.stop();
    this.jobs = undefined;
    this.running = undefined;
  }
}
