/** Alarm events and sites shared by the notify tests. */
import type { AlarmEvent, AlarmRecord } from '../../src/domain/types.js';
import { DEPOT, GAS_PROFILES, sitesFrom } from '../helpers/engine.js';

export function record(over: Partial<AlarmRecord> = {}): AlarmRecord {
  return {
    id: 'zjk-depot/GD-12/hihi',
    site: 'zjk-depot',
    sensor: 'GD-12',
    condition: 'hihi',
    priority: 'critical',
    state: 'active_unacked',
    shelved: false,
    suppressed: false,
    value: 52.5,
    threshold: 40,
    unit: '%LEL',
    message: 'GD-12 methane 52.5 %LEL ≥ HiHi 40 %LEL',
    raisedAt: '2026-11-28T08:00:00.000Z',
    clearedAt: null,
    ackedAt: null,
    ackedBy: null,
    comment: null,
    ...over,
  };
}

export function event(type: AlarmEvent['type'] = 'raised', over: Partial<AlarmRecord> = {}): AlarmEvent {
  return { type, at: '2026-11-28T08:00:00.000Z', alarm: record(over) };
}

/** The depot with a three-person chain: 5 min, 15 min, 30 min. */
export const CHAIN_DEPOT = {
  ...DEPOT,
  name: 'Zhangjiakou gas storage depot',
  responsible: [
    { name: 'Li Wei', role: 'shift operator', phone: '+86 139 0000 0001', escalateAfter: '5m' },
    { name: 'Zhao Min', role: 'site safety officer', email: 'zhao@example.com', escalateAfter: '15m' },
    { name: 'Safety desk', role: 'company safety', email: 'desk@example.com', escalateAfter: '30m' },
  ],
};

export function chainSites(responsible: Record<string, unknown>[] = CHAIN_DEPOT.responsible) {
  return sitesFrom(GAS_PROFILES, [{ ...CHAIN_DEPOT, responsible }]);
}
