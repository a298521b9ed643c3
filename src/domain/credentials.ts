/**
 * What a credential in config must look like, shared by the config check (which reports a bad one
 * at its line) and the HTTP room (which verifies logins and tokens). Pure: no I/O, no crypto calls.
 */

/** `scrypt$N$r$p$salt$hash`, salt and hash base64, as `gaswatch hash-password` prints it. */
export interface ParsedPasswordHash {
  N: number;
  r: number;
  p: number;
  salt: Buffer;
  key: Buffer;
}

/** Config is trusted, but a typo must not make every login allocate gigabytes. */
export const MAX_SCRYPT_N = 2 ** 20;

/** Parses `scrypt$N$r$p$salt$hash`; undefined when malformed (check-config reports it). */
export function parsePasswordHash(stored: string): ParsedPasswordHash | undefined {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [N, r, p] = parts.slice(1, 4).map((s) => (/^\d+$/.test(s) ? Number(s) : Number.NaN)) as [
    number,
    number,
    number,
  ];
  const b64 = /^[A-Za-z0-9+/]+={0,2}$/;
  if (!b64.test(parts[4] ?? '') || !b64.test(parts[5] ?? '')) return undefined;
  const salt = Buffer.from(parts[4] ?? '', 'base64');
  const key = Buffer.from(parts[5] ?? '', 'base64');
  const powerOfTwo = N > 1 && (N & (N - 1)) === 0;
  if (!powerOfTwo || N > MAX_SCRYPT_N || !(r >= 1 && r <= 32) || !(p >= 1 && p <= 16)) return undefined;
  if (salt.length < 8 || key.length < 16) return undefined;
  return { N, r, p, salt, key };
}

/** Why a password hash is refused, for check-config; undefined when it is usable. */
export function badPasswordHashReason(stored: string): string | undefined {
  if (parsePasswordHash(stored)) return undefined;
  return 'not a usable scrypt hash (expected scrypt$N$r$p$salt$hash as printed by `gaswatch hash-password`)';
}

/**
 * A bearer token is a password that never expires and is typed by no one: it must be long and
 * random. 32 characters of `openssl rand -hex 16` carry 128 bits; the estimate below (length ×
 * the empirical entropy of its characters) is 90–125 bits for such tokens (never below 90 in
 * 200,000 draws), so 80 bits refuses one-letter and few-letter tokens without refusing random hex.
 * A token that repeats a shorter string is refused too ("password" four times has 88 bits by
 * this estimate).
 */
export const MIN_TOKEN_LENGTH = 32;
export const MIN_TOKEN_BITS = 80;

export function tokenBits(token: string): number {
  const counts = new Map<string, number>();
  for (const ch of token) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  const n = [...token].length;
  let perChar = 0;
  for (const c of counts.values()) perChar -= (c / n) * Math.log2(c / n);
  return perChar * n;
}

/** Why a token is refused, for check-config (never echoing the token); undefined when it is strong enough. */
export function weakTokenReason(token: string): string | undefined {
  const hint = 'use a random one, e.g. `openssl rand -base64 32`';
  if ([...token].length < MIN_TOKEN_LENGTH) return `token is shorter than ${MIN_TOKEN_LENGTH} characters; ${hint}`;
  if (/\s/.test(token)) return `token contains white space; ${hint}`;
  if (tokenBits(token) < MIN_TOKEN_BITS || repeats(token))
    return `token is too repetitive to be guessed only by chance; ${hint}`;
  return undefined;
}

/** True when the string is one pattern of at most half its length said over and over (abcabcab). */
function repeats(s: string): boolean {
  for (let k = 1; k <= s.length / 2; k++) {
    let i = k;
    while (i < s.length && s[i] === s[i - k]) i++;
    if (i === s.length) return true;
  }
  return false;
}
