/**
 * The one id rule (SPEC §4): a site or sensor id is 1–128 letters, digits, `.`, `_`, `-`, not
 * starting with `.`. The same rule holds in config, at ingest and in the HTTP API, so anything
 * stored or shown can be addressed again (a path segment, a topic level, a file name).
 */
export const ID_PATTERN = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/;

export function isValidId(s: string): boolean {
  return ID_PATTERN.test(s);
}
