/**
 * The last hour of every sensor for the console trend: the latest value of each 30 s bucket.
 *
 * At 100k sensors an object and two typed arrays per sensor cost ~1.3 KiB each before holding a
 * single point (the old layout: ~130 MiB). Here every trend lives in a few large typed arrays, and
 * a sensor holds only a number, its handle. A trend starts as a ring of 4 points and moves to one of
 * 120 (an hour of 30 s buckets) only when the point it would overwrite is still inside the hour, so
 * a sensor reporting every 15 minutes stays small. A point is a Float32 value and a Uint16 second
 * offset from its slot's base (6 bytes): 30 B for a new sensor, 756 B for a full hour (726 B and
 * the 30 B slot it left, which the next new sensor reuses).
 */
const BUCKET_S = 30;
const HOUR_S = 3600;
const CLASSES = [4, 120] as const;
/** Slots per page of a class: pages are allocated as trends need them. */
const PAGE_BITS = 8;
const PAGE = 1 << PAGE_BITS;
/** Offsets are Uint16 seconds: the base moves before they overflow. */
const MAX_OFFSET = 0xffff;

export interface TrendPoint {
  ts: number;
  value: number;
}

interface Page {
  base: Uint32Array;
  head: Uint8Array;
  count: Uint8Array;
  off: Uint16Array;
  val: Float32Array;
}

class SizeClass {
  readonly pages: Page[] = [];
  readonly free: number[] = [];
  next = 0;

  constructor(readonly cap: number) {}

  alloc(): number {
    const slot = this.free.pop() ?? this.next++;
    const p = slot >> PAGE_BITS;
    if (p === this.pages.length)
      this.pages.push({
        base: new Uint32Array(PAGE),
        head: new Uint8Array(PAGE),
        count: new Uint8Array(PAGE),
        off: new Uint16Array(PAGE * this.cap),
        val: new Float32Array(PAGE * this.cap),
      });
    const page = this.pages[p] as Page;
    const i = slot & (PAGE - 1);
    page.head[i] = 0;
    page.count[i] = 0;
    return slot;
  }

  get bytes(): number {
    return this.pages.length * PAGE * (4 + 1 + 1 + this.cap * 6);
  }
}

export class TrendStore {
  private readonly classes = CLASSES.map((c) => new SizeClass(c));

  /** Bytes of typed arrays allocated for trends. */
  get bytes(): number {
    return this.classes.reduce((n, c) => n + c.bytes, 0);
  }

  /**
   * Adds a reading to the trend `handle` (-1: the sensor has none yet) and returns the handle to
   * keep. A reading in an older bucket than the newest is ignored (a late reading); one in the same
   * bucket replaces its value.
   */
  add(handle: number, ts: number, value: number): number {
    const sec = Math.floor(ts / 1000);
    if (!(sec > 0)) return handle;
    if (handle < 0) handle = this.classes[0]!.alloc() << 2;
    let cls = this.classes[handle & 3] as SizeClass;
    let slot = handle >> 2;
    let page = cls.pages[slot >> PAGE_BITS] as Page;
    let i = slot & (PAGE - 1);
    let n = page.count[i] as number;
    if (n > 0) {
      const last = (page.head[i]! + n - 1) % cls.cap;
      const lastSec = page.base[i]! + page.off[i * cls.cap + last]!;
      const bucket = Math.floor(sec / BUCKET_S);
      const lastBucket = Math.floor(lastSec / BUCKET_S);
      if (bucket < lastBucket) return handle;
      if (bucket === lastBucket) {
        if (sec - page.base[i]! > MAX_OFFSET) this.rebase(page, i, cls.cap, sec);
        page.off[i * cls.cap + last] = sec - page.base[i]!;
        page.val[i * cls.cap + last] = value;
        return handle;
      }
      if (n === cls.cap) {
        const oldest = page.base[i]! + page.off[i * cls.cap + page.head[i]!]!;
        if (oldest > sec - HOUR_S && (handle & 3) < CLASSES.length - 1) {
          handle = this.promote(handle);
          cls = this.classes[handle & 3] as SizeClass;
          slot = handle >> 2;
          page = cls.pages[slot >> PAGE_BITS] as Page;
          i = slot & (PAGE - 1);
          n = page.count[i] as number;
        } else {
          // The oldest point has left the hour (or the ring holds a full hour): drop it.
          page.head[i] = (page.head[i]! + 1) % cls.cap;
          page.count[i] = --n;
        }
      }
    } else page.base[i] = sec;
    if (sec - page.base[i]! > MAX_OFFSET) {
      this.rebase(page, i, cls.cap, sec);
      n = page.count[i] as number;
    }
    const at = i * cls.cap + ((page.head[i]! + n) % cls.cap);
    page.off[at] = sec - page.base[i]!;
    page.val[at] = value;
    page.count[i] = n + 1;
    return handle;
  }

  /** Points of the last hour before `now`, oldest first. */
  points(handle: number, now: number): TrendPoint[] {
    if (handle < 0) return [];
    const cls = this.classes[handle & 3] as SizeClass;
    const slot = handle >> 2;
    const page = cls.pages[slot >> PAGE_BITS] as Page;
    const i = slot & (PAGE - 1);
    const out: TrendPoint[] = [];
    const from = now - 120 * BUCKET_S * 1000;
    for (let k = 0; k < page.count[i]!; k++) {
      const at = i * cls.cap + ((page.head[i]! + k) % cls.cap);
      const ts = (page.base[i]! + page.off[at]!) * 1000;
      if (ts >= from && ts <= now + BUCKET_S * 1000) out.push({ ts, value: page.val[at]! });
    }
    return out;
  }

  /** The trend `handle` is no longer needed (an undeclared sensor forgotten): its slot is reused. */
  release(handle: number): void {
    if (handle < 0) return;
    (this.classes[handle & 3] as SizeClass).free.push(handle >> 2);
  }

  /** Moves a full ring to the next class, oldest first; frees the old slot. */
  private promote(handle: number): number {
    const from = this.classes[handle & 3] as SizeClass;
    const to = this.classes[(handle & 3) + 1] as SizeClass;
    const slot = handle >> 2;
    const src = from.pages[slot >> PAGE_BITS] as Page;
    const i = slot & (PAGE - 1);
    const next = to.alloc();
    const dst = to.pages[next >> PAGE_BITS] as Page;
    const j = next & (PAGE - 1);
    const n = src.count[i] as number;
    for (let k = 0; k < n; k++) {
      const at = i * from.cap + ((src.head[i]! + k) % from.cap);
      dst.off[j * to.cap + k] = src.off[at] as number;
      dst.val[j * to.cap + k] = src.val[at] as number;
    }
    dst.base[j] = src.base[i] as number;
    dst.head[j] = 0;
    dst.count[j] = n;
    from.free.push(slot);
    return (next << 2) | ((handle & 3) + 1);
  }

  /** Drops points more than an hour before `sec` and moves the base up so `sec` fits an offset. */
  private rebase(page: Page, i: number, cap: number, sec: number): void {
    const base = page.base[i] as number;
    let head = page.head[i] as number;
    let n = page.count[i] as number;
    while (n > 0 && base + page.off[i * cap + head]! <= sec - HOUR_S) {
      head = (head + 1) % cap;
      n--;
    }
    const newBase = n > 0 ? base + page.off[i * cap + head]! : sec;
    for (let k = 0; k < n; k++) {
      const at = i * cap + ((head + k) % cap);
      page.off[at] = base + page.off[at]! - newBase;
    }
    page.base[i] = newBase;
    page.head[i] = head;
    page.count[i] = n;
  }
}
