/**
 * `gaswatch hash-password`: reads a password and prints the `scrypt$…` hash to paste into
 * `operators[].passwordHash`. At a terminal the password is typed twice without echo; from a pipe
 * the first line of stdin is the password (for scripts: `printf %s "$PW" | gaswatch hash-password`).
 */
import type { Readable, Writable } from 'node:stream';
import { hashPassword } from './auth.js';

export interface PasswordCommandIo {
  stdin?: Readable & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
  stdout?: Writable;
  stderr?: Writable;
  /** Work factor override (tests use a cheap one). */
  scrypt?: { N: number; r: number; p: number };
}

export const MIN_PASSWORD_LENGTH = 8;

/** Returns the exit code. */
export async function hashPasswordCommand(io: PasswordCommandIo = {}): Promise<number> {
  const stdin = io.stdin ?? process.stdin;
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  let password: string;
  try {
    if (stdin.isTTY && stdin.setRawMode) {
      const reader = new HiddenLineReader(stdin, stderr);
      password = await reader.prompt('Password: ');
      const again = await reader.prompt('Repeat password: ');
      if (again !== password) {
        stderr.write('hash-password: the passwords differ\n');
        return 1;
      }
    } else {
      password = firstLine(await readAll(stdin));
    }
  } catch (err) {
    stderr.write(`hash-password: ${(err as Error).message}\n`);
    return 1;
  }
  if (password.length < MIN_PASSWORD_LENGTH) {
    stderr.write(`hash-password: the password must have at least ${MIN_PASSWORD_LENGTH} characters\n`);
    return 1;
  }
  stdout.write(`${await hashPassword(password, io.scrypt)}\n`);
  return 0;
}

function firstLine(text: string): string {
  const nl = text.search(/\r?\n/);
  return nl < 0 ? text : text.slice(0, nl);
}

async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Reads lines in raw mode, echoing nothing; Ctrl-C and Ctrl-D abort. Characters after a line's end
 * in the same chunk (a pasted pair of lines) are kept for the next prompt.
 */
class HiddenLineReader {
  private rest = '';
  constructor(
    private readonly stdin: Readable & { setRawMode?: (raw: boolean) => unknown },
    private readonly out: Writable,
  ) {}

  prompt(text: string): Promise<string> {
    const { stdin, out } = this;
    out.write(text);
    stdin.setRawMode?.(true);
    return new Promise((resolve, reject) => {
      let buf = '';
      const done = (err: Error | undefined, rest: string) => {
        stdin.off('data', onData);
        stdin.setRawMode?.(false);
        stdin.pause();
        this.rest = rest;
        out.write('\n');
        if (err) reject(err);
        else resolve(buf);
      };
      const onData = (chunk: Buffer | string): void => {
        const chars = Array.from(chunk.toString('utf8'));
        for (let i = 0; i < chars.length; i++) {
          const ch = chars[i] as string;
          if (ch === '\r' || ch === '\n') {
            done(undefined, chars.slice(i + 1).join(''));
            return;
          }
          if (ch === '\u0003' || ch === '\u0004') {
            done(new Error('aborted'), '');
            return;
          }
          if (ch === '\u007f' || ch === '\b') buf = Array.from(buf).slice(0, -1).join('');
          else buf += ch;
        }
      };
      stdin.on('data', onData);
      const rest = this.rest;
      this.rest = '';
      if (rest) onData(rest);
      if (stdin.listenerCount('data') > 0) stdin.resume();
    });
  }
}
