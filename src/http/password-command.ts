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
      password = await promptHidden(stdin, stderr, 'Password: ');
      const again = await promptHidden(stdin, stderr, 'Repeat password: ');
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

/** Reads one line in raw mode, echoing nothing; Ctrl-C and Ctrl-D abort. */
function promptHidden(
  stdin: Readable & { setRawMode?: (raw: boolean) => unknown },
  out: Writable,
  prompt: string,
): Promise<string> {
  out.write(prompt);
  stdin.setRawMode?.(true);
  stdin.resume();
  return new Promise((resolve, reject) => {
    let buf = '';
    const done = (err: Error | undefined) => {
      stdin.off('data', onData);
      stdin.setRawMode?.(false);
      stdin.pause();
      out.write('\n');
      if (err) reject(err);
      else resolve(buf);
    };
    const onData = (chunk: Buffer | string) => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done(undefined);
        if (ch === '\u0003' || ch === '\u0004') return done(new Error('aborted'));
        if (ch === '\u007f' || ch === '\b') buf = Array.from(buf).slice(0, -1).join('');
        else buf += ch;
      }
    };
    stdin.on('data', onData);
  });
}
