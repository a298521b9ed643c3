/** The metrics object: the names SPEC §1/§8 promise, and gauges that read live values at scrape time. */
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/http/metrics.js';

describe('createMetrics', () => {
  it('registers the gaswatch_ metrics', async () => {
    const m = createMetrics({ defaultMetrics: false });
    const names = (await m.registry.getMetricsAsJSON()).map((x) => x.name);
    for (const name of [
      'gaswatch_readings_total',
      'gaswatch_rejected_messages_total',
      'gaswatch_unconfigured_readings_total',
      'gaswatch_alarms',
      'gaswatch_alarm_flood',
      'gaswatch_processing_seconds',
      'gaswatch_influx_write_seconds',
      'gaswatch_spool_bytes',
      'gaswatch_spool_segments',
      'gaswatch_spool_dropped_total',
      'gaswatch_mqtt_connected',
      'gaswatch_config_reload_total',
    ])
      expect(names).toContain(name);
  });

  it('includes process metrics under the gaswatch_ prefix by default', async () => {
    const text = await createMetrics().registry.metrics();
    expect(text).toMatch(/^gaswatch_process_cpu_seconds_total /m);
  });

  it('reads alarm counts, spool, MQTT link and floods from live sources when scraped', async () => {
    const m = createMetrics({ defaultMetrics: false });
    let counts = [{ state: 'active_unacked' as const, priority: 'critical' as const, count: 2 }];
    m.live.alarmCounts = () => counts;
    m.live.spool = () => ({ bytes: 4096, segments: 3 });
    m.live.mqttConnected = () => false;
    let floods = ['zjk-depot'];
    m.live.floodSites = () => floods;
    let text = await m.registry.metrics();
    expect(text).toMatch(/^gaswatch_alarms\{state="active_unacked",priority="critical"\} 2$/m);
    expect(text).toMatch(/^gaswatch_alarms\{state="cleared_unacked",priority="low"\} 0$/m);
    expect(text).not.toMatch(/state="normal"/);
    expect(text).toMatch(/^gaswatch_spool_bytes 4096$/m);
    expect(text).toMatch(/^gaswatch_spool_segments 3$/m);
    expect(text).toMatch(/^gaswatch_mqtt_connected 0$/m);
    expect(text).toMatch(/^gaswatch_alarm_flood\{site="zjk-depot"\} 1$/m);
    counts = [];
    floods = [];
    text = await m.registry.metrics();
    // An alarm that went away must read 0, not linger at its last value.
    expect(text).toMatch(/^gaswatch_alarms\{state="active_unacked",priority="critical"\} 0$/m);
    expect(text).not.toMatch(/gaswatch_alarm_flood\{/);
  });

  it('counts and times what the daemon reports', async () => {
    const m = createMetrics({ defaultMetrics: false });
    m.rejected.inc({ reason: 'unknown_unit' });
    m.configReloads.inc({ result: 'rejected' });
    m.processing.observe(0.0003);
    m.influxWrite.observe({ result: 'ok' }, 0.04);
    const text = await m.registry.metrics();
    expect(text).toMatch(/^gaswatch_rejected_messages_total\{reason="unknown_unit"\} 1$/m);
    expect(text).toMatch(/^gaswatch_config_reload_total\{result="rejected"\} 1$/m);
    expect(text).toMatch(/^gaswatch_processing_seconds_bucket\{le="0.0005"\} 1$/m);
    expect(text).toMatch(/^gaswatch_processing_seconds_bucket\{le="0.00025"\} 0$/m);
    expect(text).toMatch(/^gaswatch_influx_write_seconds_count\{result="ok"\} 1$/m);
  });
});
