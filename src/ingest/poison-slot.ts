/**
 * The slot file of the poison guard (poison.ts): one small record at offset 0 saying what the
 * daemon is doing — idle, stopped cleanly, handling a message (which), or crashed (and why) —
 * rewritten in place with one positional write, never fsynced (a process crash keeps the page cache).
 *
 *   0  state      1 byte (SLOT_STATE)
 *   1  packet id  u16     3  length  u32     7  topic bytes  u16     9  head bytes  u8
 *  10  topic (at most TOPIC_MAX bytes), then the payload's first HEAD_MAX bytes
 * 1024 crash text length u16, then the text (written only by the crash hook)
 */

export const SLOT_STATE = {
  idle: 0x49, // I
  stopped: 0x53, // S
  handling: 0x48, // H
  crashedHandling: 0x43, // C
  crashedIdle: 0x58, // X
} as const;

const TOPIC_MAX = 700;
const HEAD_MAX = 64;

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

/** The topic as the slot keeps it (cut at TOPIC_MAX bytes), for comparisons. */
export function slotTopic(topic: string): string {
  return Buffer.byteLength(topic) <= TOPIC_MAX ? topic : Buffer.from(topic).subarray(0, TOPIC_MAX).toString();
}

export function writeBegin(
  fd: number,
  buf: Buffer,
  topic: string,
  messageId: number | undefined,
  payload: Buffer,
  write: (fd: number, b: Buffer, off: number, len: number, pos: number) => unknown,
): void {
  buf[0] = SLOT_STATE.handling;
  buf.writeUInt16LE(messageId ?? 0, 1);
  buf.writeUInt32LE(payload.length, 3);
  const topicLen = buf.write(topic, 10, TOPIC_MAX, 'utf8');
  const headLen = Math.min(HEAD_MAX, payload.length);
  buf.writeUInt16LE(topicLen, 7);
  buf[9] = headLen;
  payload.copy(buf, 10 + topicLen, 0, headLen);
  write(fd, buf, 0, 10 + topicLen + headLen, 0);
}

export function readSlot(b: Buffer): SlotContent | undefined {
  if (b.length < 1) return undefined;
  const state = b[0] as number;
  let message: MessageId | undefined;
  if ((state === SLOT_STATE.handling || state === SLOT_STATE.crashedHandling) && b.length >= 10) {
    const topicLen = b.readUInt16LE(7);
    const headLen = b[9] as number;
    message = {
      messageId: b.readUInt16LE(1),
      bytes: b.readUInt32LE(3),
      topic: b.subarray(10, 10 + topicLen).toString('utf8'),
      head: b.subarray(10 + topicLen, 10 + topicLen + headLen).toString('base64'),
    };
  }
  let error: string | undefined;
  if ((state === SLOT_STATE.crashedHandling || state === SLOT_STATE.crashedIdle) && b.length >= 1026) {
    const len = b.readUInt16LE(1024);
    error = b.subarray(1026, 1026 + len).toString('utf8');
  }
  return { state, message, error };
}

export function identify(topic: string, messageId: number | undefined, payload: Buffer): MessageId {
  return {
    topic: slotTopic(topic),
    messageId: messageId ?? 0,
    bytes: payload.length,
    head: payload.subarray(0, HEAD_MAX).toString('base64'),
  };
}
