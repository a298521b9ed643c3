/**
 * Alarm-system health per EEMUA 191 / ISA-18.2 (SPEC §2): chattering alarms (≥ 3 raises in 60 s)
 * and alarm floods (> 10 alarms raised at one site in 10 minutes). Both only flag: neither ever
 * hides an alarm, least of all a critical one.
 */
import type { AlarmEventType, AlarmRecord } from '../domain/types.js';
import { DEFAULT_LOCALE, type Locale, translator } from '../i18n/index.js';

export interface AlarmHealth {
  floodingSites: string[];
}

const CHATTER_RAISES = 3;

interface ChatterEntry {
  record: AlarmRecord;
  raises: number[];
}

/** Note a raise; true when the alarm has just become chattering. */
export function noteRaise(entry: ChatterEntry, now: number, window: number): boolean {
  entry.raises.push(now);
  prune(entry.raises, now - window);
  if (!entry.record.chattering && entry.raises.length >= CHATTER_RAISES) {
    entry.record.chattering = true;
    return true;
  }
  return false;
}

/** Let the chattering flag go once the raises fall out of the window; true when it changed. */
export function refreshChatter(entry: ChatterEntry, now: number, window: number): boolean {
  prune(entry.raises, now - window);
  if (entry.record.chattering && entry.raises.length < CHATTER_RAISES) {
    entry.record.chattering = false;
    return true;
  }
  return false;
}

function prune(times: number[], before: number): void {
  let i = 0;
  while (i < times.length && (times[i] as number) < before) i++;
  if (i) times.splice(0, i);
}

const FLOOD_WINDOW = 10 * 60_000;
const FLOOD_LIMIT = 10;

export interface FloodEvent {
  type: AlarmEventType;
  record: AlarmRecord;
}

export class FloodTracker {
  private readonly raises = new Map<string, number[]>();
  private readonly active = new Set<string>();

  /** `locale`: the language of the flood record's message, read when one is written. */
  constructor(private readonly locale: () => Locale = () => DEFAULT_LOCALE) {}

  raised(site: string, now: number): FloodEvent[] {
    let list = this.raises.get(site);
    if (!list) {
      list = [];
      this.raises.set(site, list);
    }
    list.push(now);
    prune(list, now - FLOOD_WINDOW);
    if (list.length > FLOOD_LIMIT && !this.active.has(site)) {
      this.active.add(site);
      return [{ type: 'flood', record: floodRecord(site, list.length, true, now, this.locale()) }];
    }
    return [];
  }

  decay(now: number): FloodEvent[] {
    const out: FloodEvent[] = [];
    for (const [site, list] of this.raises) {
      prune(list, now - FLOOD_WINDOW);
      if (list.length <= FLOOD_LIMIT && this.active.delete(site))
        out.push({ type: 'flood', record: floodRecord(site, list.length, false, now, this.locale()) });
      if (list.length === 0) this.raises.delete(site);
    }
    return out;
  }

  flooding(): string[] {
    return [...this.active];
  }
}

function floodRecord(site: string, count: number, active: boolean, now: number, locale: Locale): AlarmRecord {
  const at = new Date(now).toISOString();
  const t = translator(locale);
  return {
    id: `${site}/_site/flood`,
    site,
    sensor: '_site',
    condition: 'flood',
    priority: 'high',
    state: active ? 'active_unacked' : 'normal',
    shelved: false,
    suppressed: false,
    value: count,
    threshold: FLOOD_LIMIT,
    unit: 'alarms/10min',
    message: t(active ? 'message.floodActive' : 'message.floodOver', { site, count }),
    raisedAt: active ? at : null,
    clearedAt: active ? null : at,
    ackedAt: null,
    ackedBy: null,
    comment: null,
  };
}
