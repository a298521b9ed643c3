/**
 * The slot file of the poison guard (poison.ts): what the daemon was doing when it last stopped —
 * idle, stopped cleanly, handling a message (which), or crashed (why, and on which message).
 *
 *    0  the live record, kept in step by the recorder (poison-recorder.ts):
 *         state 1 byte (SLOT_STATE) · packet id u16 · length u32 · topic bytes u16 · head bytes u8 ·
 *         topic (at most TOPIC_MAX bytes) · the payload's first HEAD_MAX bytes
 * 1024  the crash record, written only by the crash hook, synchronously, as the process dies:
 *         state 1 byte (crashedHandling | crashedIdle) · text length u16 · text (at most 400 bytes)
 * 1536  a copy of the live record at the crash (never behind: the hook writes it from memory)
 */

export const SLOT_STATE = {
  idle: 0x49, // I
  stopped: 0x53, // S
  handling: 0x48, // H
  crashedHandling: 0x43, // C
  crashedIdle: 0x58, // X
} as const;

export const SLOT_BYTES = 2048;
export const RECORD_MAX = 1024;
export const CRASH_AT = 1024;
const CRASH_RECORD_AT = 1536;
const TOPIC_MAX = 440;
const HEAD_MAX = 64;
const ERROR_MAX = 400;

/** What identifies a message when the broker delivers it again. */
export interface MessageId {
  /** The topic, cut to TOPIC_MAX bytes. */
  topic: string;
  messageId: number;
  bytes: number;
  /** The payload's first HEAD_MAX bytes, base64. */
  head: string;
}

export interface SlotContent {
  state: number;
  message: MessageId | undefined;
  error: string | undefined;
}

/** Writes the live record of a message being handled into `buf` at `at`; returns its length. */
export function encodeHandling(
  buf: Buffer,
  at: number,
  topic: string,
  messageId: number | undefined,
  payload: Buffer,
): number {
  buf[at] = SLOT_STATE.handling;
  buf.writeUInt16LE(messageId ?? 0, at + 1);
  buf.writeUInt32LE(payload.length, at + 3);
  const topicLen = buf.write(topic, at + 10, TOPIC_MAX, 'utf8');
  const headLen = Math.min(HEAD_MAX, payload.length);
  buf.writeUInt16LE(topicLen, at + 7);
  buf[at + 9] = headLen;
  payload.copy(buf, at + 10 + topicLen, 0, headLen);
  return 10 + topicLen + headLen;
}

/** The crash record: the verdict, its text, and the live record as it is in memory now. */
export function encodeCrash(live: Buffer, liveLen: number, handling: boolean, text: string): Buffer {
  const out = Buffer.alloc(SLOT_BYTES - CRASH_AT);
  out[0] = handling ? SLOT_STATE.crashedHandling : SLOT_STATE.crashedIdle;
  const n = out.write(text, 3, ERROR_MAX, 'utf8');
  out.writeUInt16LE(n, 1);
  live.copy(out, CRASH_RECORD_AT - CRASH_AT, 0, Math.min(liveLen, RECORD_MAX));
  return out;
}

function decodeRecord(b: Buffer, at: number): MessageId | undefined {
  if (b.length < at + 10 || b[at] !== SLOT_STATE.handling) return undefined;
  const topicLen = b.readUInt16LE(at + 7);
  const headLen = b[at + 9] as number;
  return {
    messageId: b.readUInt16LE(at + 1),
    bytes: b.readUInt32LE(at + 3),
    topic: b.subarray(at + 10, at + 10 + topicLen).toString('utf8'),
    head: b.subarray(at + 10 + topicLen, at + 10 + topicLen + headLen).toString('base64'),
  };
}

export function readSlot(b: Buffer): SlotContent | undefined {
  if (b.length < 1) return undefined;
  const crash = b.length > CRASH_AT ? (b[CRASH_AT] as number) : 0;
  if (crash === SLOT_STATE.crashedHandling || crash === SLOT_STATE.crashedIdle) {
    const len = b.readUInt16LE(CRASH_AT + 1);
    return {
      state: crash,
      error: b.subarray(CRASH_AT + 3, CRASH_AT + 3 + len).toString('utf8'),
      message: crash === SLOT_STATE.crashedHandling ? decodeRecord(b, CRASH_RECORD_AT) : undefined,
    };
  }
  return { state: b[0] as number, message: decodeRecord(b, 0), error: undefined };
}

export function identify(topic: string, messageId: number | undefined, payload: Buffer): MessageId {
  let t = topic;
  if (Buffer.byteLength(topic) > TOPIC_MAX) {
    // cut exactly as encodeHandling does: whole characters only
    const b = Buffer.alloc(TOPIC_MAX);
    t = b.subarray(0, b.write(topic, 0, TOPIC_MAX, 'utf8')).toString('utf8');
  }
  return {
    topic: t,
    messageId: messageId ?? 0,
    bytes: payload.length,
    head: payload.subarray(0, HEAD_MAX).toString('base64'),
  };
}
