/**
 * Who may hold a live-stream slot (`GET /api/events`, issue 11 finding 7). Each stream is a
 * connection kept open for hours, so slots are few, and viewers must never be able to take the
 * ones operators need to see and acknowledge alarms:
 *
 * | who                           | limited by                                                        |
 * | ----------------------------- | ----------------------------------------------------------------- |
 * | anonymous (`anonymousViewer`) | `anonymousPerAddress` per client address, `anonymous` in all      |
 * | a viewer (session or token)   | `perIdentity` per operator name                                   |
 * | anonymous and viewers         | together at most `max − reservedForOperators`                     |
 * | an operator or admin          | `perIdentity` per operator name; may use every slot up to `max`   |
 *
 * A client over its own share gets 429 (others are unaffected); a full pool gives 503.
 */
import { hasRole, type Identity } from './auth.js';

export interface StreamLimits {
  /** All live streams at once. */
  max: number;
  /** Slots only operators and admins may take. */
  reservedForOperators: number;
  /** Streams per operator name (its sessions and tokens together). */
  perIdentity: number;
  /** Streams of anonymous viewers in all. */
  anonymous: number;
  /** Streams of anonymous viewers per client address. */
  anonymousPerAddress: number;
}

export const DEFAULT_STREAM_LIMITS: StreamLimits = {
  max: 500,
  reservedForOperators: 50,
  perIdentity: 20,
  anonymous: 100,
  anonymousPerAddress: 4,
};

export type SlotRefusal = { status: 429 | 503; reason: 'identity' | 'address' | 'full'; message: string };

export class StreamSlots {
  private total = 0;
  private viewers = 0;
  private anonymous = 0;
  private readonly byName = new Map<string, number>();
  private readonly byAddress = new Map<string, number>();
  readonly limits: StreamLimits;

  constructor(limits: Partial<StreamLimits> = {}) {
    this.limits = { ...DEFAULT_STREAM_LIMITS, ...limits };
  }

  get size(): number {
    return this.total;
  }

  /** Takes a slot for `who` (calling `release` once gives it back), or says why not. */
  take(who: Identity, address: string): { ok: true; release: () => void } | ({ ok: false } & SlotRefusal) {
    const l = this.limits;
    const anon = who.via === 'anonymous';
    const viewer = anon || !hasRole(who, 'operator');
    if (anon && (this.byAddress.get(address) ?? 0) >= l.anonymousPerAddress)
      return refuse(429, 'address', `at most ${l.anonymousPerAddress} live streams per address without logging in`);
    if (!anon && (this.byName.get(who.name) ?? 0) >= l.perIdentity)
      return refuse(429, 'identity', `${who.name} already has ${l.perIdentity} live streams open; close one`);
    const full =
      this.total >= l.max ||
      (viewer && this.viewers >= l.max - l.reservedForOperators) ||
      (anon && this.anonymous >= l.anonymous);
    if (full)
      return refuse(
        503,
        'full',
        viewer
          ? 'all live-stream slots open to viewers are taken; log in as an operator, or try again later'
          : 'all live-stream slots are taken; try again later',
      );
    this.total++;
    if (viewer) this.viewers++;
    if (anon) {
      this.anonymous++;
      bump(this.byAddress, address, 1);
    } else bump(this.byName, who.name, 1);
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        this.total--;
        if (viewer) this.viewers--;
        if (anon) {
          this.anonymous--;
          bump(this.byAddress, address, -1);
        } else bump(this.byName, who.name, -1);
      },
    };
  }
}

function refuse(status: 429 | 503, reason: SlotRefusal['reason'], message: string): { ok: false } & SlotRefusal {
  return { ok: false, status, reason, message };
}

function bump(m: Map<string, number>, key: string, by: number): void {
  const n = (m.get(key) ?? 0) + by;
  if (n > 0) m.set(key, n);
  else m.delete(key);
}
