/**
 * The Host check against DNS rebinding (issue 11, finding 10). A hostile web page whose own name
 * is made to resolve to the gaswatch address can read whatever needs no login, because to the
 * browser it is the page's own origin; its requests carry the page's name in `Host`. Session
 * cookies and bearer tokens are not sent to that origin, so the danger is `anonymousViewer`:
 * with it on, only host names the deployment expects are answered.
 *
 * Allowed: IP literals (no name, nothing to rebind), `localhost`, the host of `http.listen`, and
 * `http.allowedHosts` (exact names, or `*.example.com` for its subdomains).
 */
import { isIP } from 'node:net';

/** The host name of a Host header, lower case, without port, brackets or a trailing dot. */
export function hostName(header: string): string {
  const h = header.trim().toLowerCase();
  if (isIP(h) !== 0) return h; // an IPv6 listen address comes without brackets
  const bracket = /^\[([^\]]+)\](?::\d+)?$/.exec(h);
  const name = bracket ? (bracket[1] as string) : h.replace(/:\d+$/, '');
  return name.endsWith('.') ? name.slice(0, -1) : name;
}

export function hostChecker(
  listenHost: string,
  allowedHosts: readonly string[],
): (host: string | undefined) => boolean {
  const exact = new Set(['localhost', hostName(listenHost)]);
  const suffixes: string[] = [];
  for (const a of allowedHosts) {
    const n = hostName(a);
    if (n.startsWith('*.')) suffixes.push(n.slice(1));
    else exact.add(n);
  }
  return (host) => {
    // HTTP/1.0 clients may send none; browsers always do, and only browsers can be rebound.
    if (host === undefined || host === '') return true;
    const n = hostName(host);
    return isIP(n) !== 0 || exact.has(n) || suffixes.some((s) => n.endsWith(s) && n.length > s.length);
  };
}
