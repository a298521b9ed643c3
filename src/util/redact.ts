/**
 * The one redaction rule for everything gaswatch prints — log lines (logger.ts applies it to each
 * line as written) and `check-config` output (issue 11 finding 3). It removes, from any text:
 * - credentials in URLs: `mqtt://user:password@host` → `mqtt://***@host`;
 * - credentials in query strings: `?u=admin&p=secret`, `access_token=`, `key=`, `token=`, `sign=`…
 *   (InfluxDB 1.x and the chat robots carry them there);
 * - HTTP authorization values: `Authorization: Basic dXNlcjpwYXNz` → `Authorization: ***`;
 * - every secret value it knows: each config value that came from a `${env:}`/`${file:}`
 *   substitution, every password, token and robot secret of the config, and the Basic
 *   credentials built from them — also in their JSON-escaped form, as they appear inside a log line.
 * Values shorter than 4 characters are not masked: masking every "a" would wreck the text and
 * protect nothing. Secrets are replaced by `***`, whatever their length.
 */

const MASK = '***';
const MIN_SECRET = 4;

// scheme://userinfo@ — the whole userinfo: a lone user part may be a token (mqtts://TOKEN@host).
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@"'<>]+@/gi;
const QUERY_SECRET =
  /([?&](?:p|pw|pwd|pass|passwd|password|token|access_token|api_key|apikey|key|secret|sign|signature|auth)=)[^&\s"'#<>]+/gi;
// `Authorization: Basic …` in a raw request head, "authorization":"Bearer …" in JSON.
const AUTH_VALUE = /(authorization\\?["']?\s*[:=]\s*\\?["']?)(?:basic|bearer|token|digest)?\s*[A-Za-z0-9+/=._~-]+/gi;

/** Mask `secrets` and the credential shapes above in `text`. */
export function redactText(text: string, secrets: readonly string[] = []): string {
  let out = text
    .replace(URL_USERINFO, `$1${MASK}@`)
    .replace(QUERY_SECRET, `$1${MASK}`)
    .replace(AUTH_VALUE, `$1${MASK}`);
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join(MASK);
  return out;
}

/** The secrets to mask, longest first (so a secret containing another is masked whole). */
export function secretList(values: Iterable<string>): string[] {
  const all = new Set<string>();
  for (const v of values) {
    if (typeof v !== 'string' || v.length < MIN_SECRET) continue;
    all.add(v);
    // As JSON.stringify writes it inside a log line (quotes, backslashes, control characters).
    const escaped = JSON.stringify(v).slice(1, -1);
    if (escaped !== v) all.add(escaped);
  }
  return [...all].sort((a, b) => b.length - a.length);
}

/**
 * The secrets the running daemon knows, swapped on every config (re)load; read by the logger for
 * each line it writes. One per process by default, so the logger made before the config is read
 * masks what the config later reveals.
 */
export class Redactor {
  private secrets: string[] = [];

  setSecrets(values: Iterable<string>): void {
    this.secrets = secretList(values);
  }

  text(s: string): string {
    return redactText(s, this.secrets);
  }
}

export const processRedactor = new Redactor();
