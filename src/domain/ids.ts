/**
 * The one id rule of SPEC §4: a site or sensor id is 1–128 letters, digits, `.`, `_`, `-`, not
 * starting with `.`. The same rule holds in config, at ingest (a topic whose id breaks it is
 * rejected as `bad_topic`) and in the HTTP API, so anything the daemon lists can be addressed.
 * It admits the reserved site `_gaswatch` of gaswatch's own system alarms; it never admits `/`,
 * MQTT wildcards, spaces or markup.
 */
export const ID_PATTERN = /^(?!\.)[A-Za-z0-9._-]{1,128}$/;

export function isValidId(s: string): boolean {
  return ID_PATTERN.test(s);
}

/** Said wherever an id is refused, so every refusal reads the same. */
export const ID_RULE_TEXT = 'expected an id of 1–128 letters, digits, ".", "_", "-", not starting with "."';

/** The site of gaswatch's own system alarms (`_gaswatch/{name}/system`); no configured site may take it. */
export const SYSTEM_SITE_ID = '_gaswatch';
