/**
 * POST JSON with a deadline. Errors name the host only: robot URLs carry their access token in
 * the path or query, and error messages end up in logs.
 */

export interface PostResult {
  status: number;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
}

export async function postJson(
  url: string,
  body: unknown,
  opts: { timeout: number; headers?: Record<string, string> | undefined },
): Promise<PostResult> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', ...opts.headers },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(opts.timeout),
    });
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    const why = e.name === 'TimeoutError' ? `no answer within ${opts.timeout} ms` : (e.cause?.code ?? e.message);
    throw new Error(`POST to ${safeHost(url)} failed: ${why}`);
  }
  const text = await res.text().catch(() => '');
  if (res.status < 200 || res.status > 299)
    throw new Error(`POST to ${safeHost(url)}: HTTP ${res.status} ${excerpt(text)}`.trimEnd());
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, json };
}

/**
 * Robots answer HTTP 200 with an error code in the body ({errcode, errmsg} for DingTalk and WeCom,
 * {code, msg} for Feishu): anything but 0 is a failure.
 */
export function checkRobotAnswer(url: string, res: PostResult, codeKey: string, msgKey: string): void {
  const body = res.json as Record<string, unknown> | undefined;
  if (!body || typeof body !== 'object')
    throw new Error(`robot at ${safeHost(url)} answered without a JSON status (HTTP ${res.status})`);
  const code = body[codeKey] ?? body.StatusCode;
  if (code !== 0 && code !== '0')
    throw new Error(`robot at ${safeHost(url)} refused the message: ${String(code)} ${String(body[msgKey] ?? '')}`);
}

function excerpt(text: string): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > 120 ? `${t.slice(0, 117)}…` : t;
}

/** The host of a URL, for logs: robot URLs carry their token in the path or query. */
export function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '(invalid URL)';
  }
}
