/**
 * No message can crash the daemon twice (issue 11: 50 MB shelve reasons ran the heap out of memory;
 * the broker redelivered them to the persistent session at every restart — a crash loop).
 *
 * How a crash is tied to its message, cheaply enough for 20k messages a second:
 * - While a QoS 1 message is handled, "handling <message>" is in shared memory and, within a few
 *   milliseconds, in the slot file `inflight` in the state directory (poison-recorder.ts: a worker
 *   thread writes it, without fsync; a process crash keeps the page cache, so the next process
 *   reads it; an OS crash may lose it, and loses nothing else: the message is processed again).
 * - A JavaScript crash (an exception or rejection nobody handled, a stack overflow) is seen by the
 *   `uncaughtExceptionMonitor` hook, which knows in memory whether a message is being handled and
 *   writes the verdict synchronously: precise, at no cost per message.
 * - A fatal error of the runtime (heap out of memory) runs no JavaScript; Node's diagnostic report
 *   on fatal error, written into the state directory, is the evidence the next process reads.
 * - Any other death (SIGKILL from an operator or the kernel's OOM killer, a native crash) leaves no
 *   evidence: the message in flight is a suspect with one strike, processed again; a second such
 *   death while handling it condemns it. (A `kill -9` of a healthy daemon must not quarantine the
 *   reading it happened to be handling: SPEC §1 says killing the daemon loses nothing.)
 * A condemned message is recognised when the broker redelivers it (topic, packet id, length and the
 * first bytes), acknowledged without being processed, appended whole to
 * `quarantine/poison-messages.jsonl` (kept, never silently lost), counted, and reported through
 * `onQuarantine` (the composition root raises `_gaswatch/poison-message/system`).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { IPublishPacket } from 'mqtt';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import { SlotRecorder } from './poison-recorder.js';
import { identify, type MessageId, readSlot, SLOT_STATE } from './poison-slot.js';
import { testCrashHook } from './poison-test-hook.js';

const SLOT = 'inflight';
const SUSPECTS = 'poison-suspects.json';
const REPORT = 'fatal-report.json';
/** A suspect the broker never redelivers (its session expired) is forgotten after a day. */
const SUSPECT_TTL_MS = 24 * 3600_000;

export interface Suspect extends MessageId {
  strikes: number;
  /** Why it is condemned: the crash it caused. Undefined while only a suspect. */
  verdict: string | undefined;
  at: number;
}

export interface Quarantined {
  topic: string;
  bytes: number;
  verdict: string;
  file: string;
}

export interface PoisonGuardDeps {
  dir: string;
  logger: Logger;
  clock: Clock;
  onQuarantine: (q: Quarantined) => void;
}

export class PoisonGuard {
  private recorder: SlotRecorder | undefined;
  private suspects: Suspect[] = [];
  private skip = false;
  private readonly crashHook = (err: Error) => this.crashed(err);
  private readonly test = testCrashHook();

  constructor(private readonly deps: PoisonGuardDeps) {}

  /** Read what the last run left, then start recording. */
  start(): void {
    const dir = this.deps.dir;
    fs.mkdirSync(dir, { recursive: true });
    this.suspects = this.loadSuspects();
    const fatal = this.takeFatalReport();
    const slotFile = path.join(dir, SLOT);
    const last = fs.existsSync(slotFile) ? readSlot(fs.readFileSync(slotFile)) : undefined;
    if (last) this.judge(last, fatal);
    else if (fatal) this.deps.logger.error({ fatal }, 'the last run died of a fatal error outside message handling');
    this.saveSuspects();
    this.recorder = new SlotRecorder(slotFile);
    this.recorder.start();
    // Node writes a diagnostic report on a fatal error (heap out of memory): the only trace one leaves.
    process.report.directory = dir;
    process.report.filename = REPORT;
    (process.report as { excludeNetwork?: boolean }).excludeNetwork = true;
    process.report.reportOnFatalError = true;
    process.on('uncaughtExceptionMonitor', this.crashHook);
    if (this.test) this.deps.logger.warn({ hook: this.test.mode }, 'TEST CRASH HOOK ENABLED: never in production');
  }

  /** A clean stop: the next run has nothing to judge. */
  async stop(): Promise<void> {
    process.off('uncaughtExceptionMonitor', this.crashHook);
    process.report.reportOnFatalError = false;
    await this.recorder?.stop();
    this.recorder = undefined;
  }

  /** True while the message being handled now was quarantined: it must not be processed. */
  skipping(): boolean {
    return this.skip;
  }

  /** Every PUBLISH, before anything handles it (mqtt.js 'packetreceive'). */
  received(packet: IPublishPacket): void {
    const recorder = this.recorder;
    if (recorder === undefined || packet.qos === 0) return; // QoS 0 is never redelivered
    process.nextTick(() => this.handled());
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    const i = this.suspects.length
      ? this.suspects.findIndex(
          (s) => s.verdict !== undefined && sameMessage(s, identify(packet.topic, packet.messageId, payload)),
        )
      : -1;
    if (i >= 0) {
      this.skip = true;
      this.quarantine(this.suspects[i] as Suspect, packet.topic, payload);
      this.suspects.splice(i, 1);
      this.saveSuspects();
      return;
    }
    recorder.begin(packet.topic, packet.messageId, payload);
    this.test?.(packet.topic, payload);
  }

  /** The message's synchronous handling is over (its durability may still be pending: not our concern). */
  private handled(): void {
    this.skip = false;
    this.recorder?.idle();
  }

  /** uncaughtExceptionMonitor: the process is about to die of `err`; say while doing what. */
  private crashed(err: Error): void {
    try {
      this.recorder?.crashed(`${err?.name ?? 'Error'}: ${err?.message ?? String(err)}`);
    } catch {
      // dying anyway
    }
  }

  private judge(last: ReturnType<typeof readSlot>, fatal: string | undefined): void {
    const log = this.deps.logger;
    const now = this.deps.clock.now();
    if (!last || last.state === SLOT_STATE.stopped) return;
    if (!last.message) {
      if (last.state === SLOT_STATE.crashedIdle)
        log.error({ error: last.error }, 'the last run crashed outside message handling');
      else if (fatal) log.error({ fatal }, 'the last run died of a fatal error outside message handling');
      else log.warn('the last run ended without a clean stop (killed?), not while handling a message');
      return;
    }
    const m = last.message;
    const verdict =
      last.state === SLOT_STATE.crashedHandling
        ? (last.error ?? 'crashed')
        : fatal !== undefined
          ? `fatal error: ${fatal}`
          : undefined;
    let s = this.suspects.find((x) => sameMessage(x, m));
    if (!s) {
      s = { ...m, strikes: 0, verdict: undefined, at: now };
      this.suspects.push(s);
    }
    s.strikes++;
    s.at = now;
    s.verdict ??=
      verdict ?? (s.strikes >= 2 ? 'died twice while handling it (killed or crashed without a trace)' : undefined);
    if (s.verdict)
      log.error(
        { topic: m.topic, messageId: m.messageId, bytes: m.bytes, verdict: s.verdict },
        'the last run died handling this message; it is quarantined when the broker delivers it again',
      );
    else
      log.warn(
        { topic: m.topic, messageId: m.messageId, bytes: m.bytes },
        'the last run was killed while handling this message; it is handled again (quarantined if that happens twice)',
      );
  }

  private quarantine(s: Suspect, topic: string, payload: Buffer): void {
    const qdir = path.join(this.deps.dir, 'quarantine');
    const file = path.join(qdir, 'poison-messages.jsonl');
    const record = {
      at: new Date(this.deps.clock.now()).toISOString(),
      topic,
      bytes: payload.length,
      verdict: s.verdict,
      payloadBase64: payload.toString('base64'),
    };
    try {
      fs.mkdirSync(qdir, { recursive: true });
      const fd = fs.openSync(file, 'a');
      try {
        fs.writeSync(fd, `${JSON.stringify(record)}\n`);
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
    } catch (err) {
      // Still never processed: a poison message must not crash us again because the disk is full.
      this.deps.logger.error(
        { err, topic },
        'could not write the quarantined message; its payload is in this log line',
      );
      this.deps.logger.error({ topic, payloadBase64: record.payloadBase64.slice(0, 64 * 1024) }, 'quarantined message');
    }
    this.deps.logger.error(
      { topic, bytes: payload.length, verdict: s.verdict, file },
      'a message that crashed the daemon was delivered again: quarantined, not processed',
    );
    this.deps.onQuarantine({ topic, bytes: payload.length, verdict: s.verdict ?? 'crashed', file });
  }

  /** The fatal report the last run left, if any: its trigger; the file is removed (it lists the environment). */
  private takeFatalReport(): string | undefined {
    const file = path.join(this.deps.dir, REPORT);
    try {
      const header = (JSON.parse(fs.readFileSync(file, 'utf8')) as { header?: { event?: string; trigger?: string } })
        .header;
      return `${header?.trigger ?? 'fatal'}: ${header?.event ?? ''}`.trim();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      return 'fatal error (unreadable report)';
    } finally {
      fs.rmSync(file, { force: true });
    }
  }

  private loadSuspects(): Suspect[] {
    try {
      const list = JSON.parse(fs.readFileSync(path.join(this.deps.dir, SUSPECTS), 'utf8')) as Suspect[];
      const now = this.deps.clock.now();
      return list.filter((s) => now - s.at < SUSPECT_TTL_MS);
    } catch {
      return [];
    }
  }

  private saveSuspects(): void {
    const file = path.join(this.deps.dir, SUSPECTS);
    if (this.suspects.length === 0) {
      fs.rmSync(file, { force: true });
      return;
    }
    const tmp = `${file}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(this.suspects));
    const fd = fs.openSync(tmp, 'r');
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fs.renameSync(tmp, file);
  }
}

function sameMessage(a: MessageId, b: MessageId): boolean {
  return a.topic === b.topic && a.messageId === b.messageId && a.bytes === b.bytes && a.head === b.head;
}
