/**
 * The daily report job (SPEC §9): at `notify.dailyReport.schedule` build the report of the last
 * 24 hours and send it to its channels. The work itself is `buildDailyReport` (src/notify/report.ts),
 * a plain function tests call with a time of their choosing.
 */
import type { NotifyConfig } from '../config/schema.js';
import type { Job } from './scheduler.js';

export function dailyReportJob(
  config: NonNullable<NotifyConfig['dailyReport']>,
  defaultTimezone: string | undefined,
  send: () => Promise<unknown> | unknown,
): Job {
  return {
    name: 'daily-report',
    schedule: config.schedule,
    timezone: config.timezone ?? defaultTimezone,
    run: send,
  };
}
