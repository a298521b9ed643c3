/** The metrics of a node of a hot-standby pair (docs/ha.md), beside the daemon's own. */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Role } from './role.js';

const ROLES: Role[] = ['active', 'standby', 'promoting', 'demoting'];

export function haMetrics(
  registry: Registry,
  source: { readonly takeovers: number; readonly lastTakeoverMs: number | undefined },
) {
  const registers = [registry];
  const role = new Gauge<'role'>({
    name: 'gaswatch_ha_role',
    help: 'This node’s role in its hot-standby pair: 1 for the role it has (active, standby, promoting, demoting)',
    labelNames: ['role'],
    registers,
  });
  const term = new Gauge({
    name: 'gaswatch_ha_term',
    help: 'The term this node holds (active) or last held: each takeover raises it',
    registers,
  });
  let seen = 0;
  new Counter({
    name: 'gaswatch_ha_takeovers_total',
    help: 'Times this node took its partition over',
    registers,
    collect() {
      if (source.takeovers > seen) this.inc(source.takeovers - seen);
      seen = source.takeovers;
    },
  });
  new Gauge({
    name: 'gaswatch_ha_last_takeover_seconds',
    help: 'How long this node’s last takeover took, from deciding to take over to its active set running',
    registers,
    collect() {
      if (source.lastTakeoverMs !== undefined) this.set(source.lastTakeoverMs / 1000);
    },
  });
  for (const r of ROLES) role.set({ role: r }, r === 'standby' ? 1 : 0);
  return {
    role(now: Role, t: number): void {
      for (const r of ROLES) role.set({ role: r }, r === now ? 1 : 0);
      term.set(t);
    },
  };
}
