/**
 * Times as people read them: in a zone (a site's, else the main file's, else the machine's), with
 * no hand-rolled zone arithmetic. Records keep ISO-8601 UTC; these are for texts.
 */

const formats = new Map<string, Intl.DateTimeFormat>();
const offsets = new Map<string, Intl.DateTimeFormat>();

/** "2026-11-28 16:00:00" in the zone (the machine's when undefined); "—" for null. */
export function formatTime(at: string | number | null, zone: string | undefined): string {
  if (at === null) return '—';
  const key = zone ?? '';
  let f = formats.get(key);
  if (!f) {
    // The Swedish locale writes ISO-like dates.
    f = new Intl.DateTimeFormat('sv-SE', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formats.set(key, f);
  }
  return f.format(new Date(at));
}

/**
 * "2026-11-28 16:00:00 +08:00": the local time with its offset, for a text that is kept as written
 * and may be read in another zone (a hazard's description, its history notes).
 */
export function formatTimeWithOffset(at: string | number, zone: string | undefined): string {
  const key = zone ?? '';
  let f = offsets.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });
    offsets.set(key, f);
  }
  const name = f.formatToParts(new Date(at)).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  // "GMT+08:00", "GMT-03:30", or "GMT" for UTC itself.
  return `${formatTime(at, zone)} ${name === 'GMT' ? '+00:00' : name.slice(3)}`;
}
