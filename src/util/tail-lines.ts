/** Reading the end of an append-only file (the alarm journal) without reading all of it. */
import { type FileHandle, open } from 'node:fs/promises';

/**
 * The last `n` lines of a file (fewer when it has fewer; none when it does not exist), read backwards
 * in chunks from its end: a start never holds a whole journal in memory. A line torn by a crash is
 * returned as it is (the caller skips what does not parse).
 */
export async function tailLines(file: string, n: number, chunkBytes = 1 << 20): Promise<string[]> {
  if (n <= 0) return [];
  let fh: FileHandle;
  try {
    fh = await open(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  try {
    let pos = (await fh.stat()).size;
    const chunks: Buffer[] = [];
    let newlines = 0;
    // n lines need n + 1 newlines before them (the file ends in one), or the start of the file.
    while (pos > 0 && newlines <= n) {
      const size = Math.min(chunkBytes, pos);
      pos -= size;
      const buf = Buffer.alloc(size);
      await fh.read(buf, 0, size, pos);
      for (let i = 0; i < size; i++) if (buf[i] === 0x0a) newlines++;
      chunks.unshift(buf);
    }
    const lines = Buffer.concat(chunks).toString('utf8').split('\n');
    if (lines.at(-1) === '') lines.pop();
    // The first line is partial unless the read reached the start of the file.
    if (pos > 0) lines.shift();
    return lines.slice(-n);
  } finally {
    await fh.close();
  }
}
