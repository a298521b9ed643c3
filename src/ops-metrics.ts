/**
 * Metrics of the defences added for issue 11 (hostile publishers, a failing state disk), kept
 * beside the daemon's own (src/http/metrics.ts) on the same registry. No per-sensor or per-topic
 * labels: an attacker would choose their values.
 */
import { Counter, Gauge, type Registry } from 'prom-client';

export interface OpsSources {
  unconfigured?: () => { tracked: number; evicted: number };
}

export interface OpsMetrics {
  live: OpsSources;
  commands: Counter<'verb'>;
  commandsRefused: Counter<'reason'>;
  stateWriteFailures: Counter;
  poisonMessages: Counter;
}

export function createOpsMetrics(registry: Registry): OpsMetrics {
  const registers = [registry];
  const live: OpsSources = {};
  let evictedSeen = 0;
  new Gauge({
    name: 'gaswatch_unconfigured_sensors',
    help: 'Undeclared sensors listed as unconfigured (bounded; least recently heard evicted first)',
    registers,
    collect() {
      if (live.unconfigured) this.set(live.unconfigured().tracked);
    },
  });
  new Counter({
    name: 'gaswatch_unconfigured_evicted_total',
    help: 'Undeclared sensors dropped from the unconfigured list to keep it bounded (a flood of invented topics)',
    registers,
    collect() {
      if (!live.unconfigured) return;
      const { evicted } = live.unconfigured();
      if (evicted > evictedSeen) this.inc(evicted - evictedSeen);
      evictedSeen = evicted;
    },
  });
  return {
    live,
    commands: new Counter({
      name: 'gaswatch_mqtt_commands_total',
      help: 'MQTT commands accepted (authenticated and well-formed), by verb',
      labelNames: ['verb'],
      registers,
    }),
    commandsRefused: new Counter({
      name: 'gaswatch_mqtt_commands_refused_total',
      help: 'MQTT commands refused, by reason (unauthenticated, forbidden, too_large, too_long, bad_request, retained)',
      labelNames: ['reason'],
      registers,
    }),
    stateWriteFailures: new Counter({
      name: 'gaswatch_state_write_failures_total',
      help: 'Failed attempts to write the alarm book or journal (retried until the disk takes them)',
      registers,
    }),
    poisonMessages: new Counter({
      name: 'gaswatch_poison_messages_total',
      help: 'MQTT messages quarantined because handling them crashed the daemon',
      registers,
    }),
  };
}
