/** The one redaction rule (src/util/redact.ts) and the logger that applies it to every line. */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/util/logger.js';
import { Redactor, redactText, secretList } from '../../src/util/redact.js';

describe('redaction', () => {
  it('masks URL credentials, query-string credentials and authorization values', () => {
    expect(redactText('connect mqtts://gw:p%40ss@broker:8883/x')).toBe('connect mqtts://***@broker:8883/x');
    expect(redactText('POST /write?db=g&u=admin&p=s3cret&precision=ms')).toBe(
      'POST /write?db=g&u=admin&p=***&precision=ms',
    );
    expect(redactText('https://oapi.dingtalk.com/robot/send?access_token=abc123')).toBe(
      'https://oapi.dingtalk.com/robot/send?access_token=***',
    );
    expect(redactText('Authorization: Basic dXNlcjpwYXNz\r\nHost: x')).toBe('Authorization: ***\r\nHost: x');
    expect(redactText('{"authorization":"Bearer abc.def"}')).toBe('{"authorization":"***"}');
    expect(redactText('authorization failed for user')).toBe('authorization failed for user');
  });

  it('masks known secrets, also JSON-escaped, longest first, never short ones', () => {
    const secrets = secretList(['pa"ss\\word', 'abc', 'token-1', 'token-12']);
    expect(secrets).toEqual(['pa\\"ss\\\\word', 'pa"ss\\word', 'token-12', 'token-1']);
    expect(redactText(JSON.stringify({ x: 'pa"ss\\word', t: 'token-12', s: 'abc' }), secrets)).toBe(
      '{"x":"***","t":"***","s":"abc"}',
    );
  });

  it('is applied by the logger to every line, whatever field the secret hides in', () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _enc, cb) {
        lines.push(String(chunk));
        cb();
      },
    });
    const redactor = new Redactor();
    const log = createLogger({ destination, redactor, level: 'info' });
    redactor.setSecrets(['hunter2-secret']);
    const err = Object.assign(new Error('A 401 error occurred'), {
      req: { _header: 'POST /write HTTP/1.1\r\nAuthorization: Basic Z2F6OmV2aWw=\r\n' },
      res: { statusCode: 401 },
    });
    log.error({ err, url: 'mqtt://u:hunter2-secret@h', dir: '/var/hunter2-secret/x', password: 'hunter2-secret' }, 'x');
    expect(lines).toHaveLength(1);
    const line = lines[0] as string;
    expect(line).not.toMatch(/hunter2|Z2F6OmV2aWw/);
    expect(JSON.parse(line)).toMatchObject({ url: 'mqtt://***@h', dir: '/var/***/x', err: { statusCode: 401 } });
  });
});
