/**
 * Keeps the poison guard's slot file (poison-slot.ts) in step with "the message being handled now"
 * at almost no cost to the hot path (issue 11: 20k messages a second). The main thread writes the
 * record into shared memory — a few hundred nanoseconds, no system call — under a sequence lock;
 * a worker thread copies it to the file every few milliseconds when it changed. A message whose
 * handling kills the process slowly (the heap running out takes a second or more of collection)
 * is on disk long before the end; one that kills it at once by an exception is written by the
 * crash hook itself, synchronously, from memory (`crashed`). The file is written without fsync: a
 * process crash keeps the page cache.
 */
import fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import { CRASH_AT, encodeCrash, encodeHandling, RECORD_MAX, SLOT_BYTES, SLOT_STATE } from './poison-slot.js';

/** The worker: plain JavaScript, so it runs the same from dist/ and under the test runner. */
const WRITER = `
const { workerData } = require('node:worker_threads');
const fs = require('node:fs');
const { sab, file, intervalMs } = workerData;
const lock = new Int32Array(sab, 0, 2);
const live = Buffer.from(sab, 8, ${RECORD_MAX});
const copy = Buffer.alloc(${RECORD_MAX});
const fd = fs.openSync(file, 'r+');
let last = -1;
setInterval(() => {
  const seq = Atomics.load(lock, 0);
  if (seq === last || (seq & 1) === 1) return;
  const len = Atomics.load(lock, 1);
  live.copy(copy, 0, 0, len);
  if (Atomics.load(lock, 0) !== seq) return; // written meanwhile: the next round takes it
  try { fs.writeSync(fd, copy, 0, len, 0); last = seq; } catch {}
}, intervalMs);
`;

export class SlotRecorder {
  private readonly sab = new SharedArrayBuffer(8 + RECORD_MAX);
  /** [0] sequence, odd while the record is being written; [1] the record's length. */
  private readonly lock = new Int32Array(this.sab, 0, 2);
  private readonly live = Buffer.from(this.sab, 8, RECORD_MAX);
  private worker: Worker | undefined;
  private fd: number | undefined;
  private handling = false;

  constructor(
    private readonly file: string,
    private readonly intervalMs = 5,
  ) {}

  /** A fresh slot file (idle) and its writer. */
  start(): void {
    const blank = Buffer.alloc(SLOT_BYTES);
    blank[0] = SLOT_STATE.idle;
    fs.writeFileSync(this.file, blank);
    this.fd = fs.openSync(this.file, 'r+');
    this.set(() => {
      this.live[0] = SLOT_STATE.idle;
      return 1;
    });
    this.worker = new Worker(WRITER, {
      eval: true,
      workerData: { sab: this.sab, file: this.file, intervalMs: this.intervalMs },
    });
    this.worker.unref();
  }

  begin(topic: string, messageId: number | undefined, payload: Buffer): void {
    this.handling = true;
    this.set(() => encodeHandling(this.live, 0, topic, messageId, payload));
  }

  idle(): void {
    if (!this.handling) return;
    this.handling = false;
    this.set(() => {
      this.live[0] = SLOT_STATE.idle;
      return Atomics.load(this.lock, 1);
    });
  }

  /** The process is dying of `text`: record it now, with the message in hand if any. */
  crashed(text: string): void {
    if (this.fd === undefined) return;
    const record = encodeCrash(this.live, Atomics.load(this.lock, 1), this.handling, text);
    fs.writeSync(this.fd, record, 0, record.length, CRASH_AT);
  }

  /** A clean stop: the writer ends, then the slot says so. */
  async stop(): Promise<void> {
    await this.worker?.terminate();
    this.worker = undefined;
    if (this.fd === undefined) return;
    fs.writeSync(this.fd, Buffer.from([SLOT_STATE.stopped]), 0, 1, 0);
    fs.closeSync(this.fd);
    this.fd = undefined;
  }

  private set(write: () => number): void {
    Atomics.add(this.lock, 0, 1);
    const len = write();
    Atomics.store(this.lock, 1, len);
    Atomics.add(this.lock, 0, 1);
  }
}
