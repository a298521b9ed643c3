/**
 * The `notify` section of gaswatch.yaml: the documented example loads with its defaults and secrets
 * substituted; every mistake is reported at its line, all at once, without the secret values.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../../src/config/load.js';
import { Notify } from '../../src/config/schema.js';

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function load(notify: string, env: Record<string, string> = {}) {
  const dir = await mkdtemp(path.join(tmpdir(), 'gaswatch-notify-cfg-'));
  dirs.push(dir);
  await mkdir(path.join(dir, 'sites'));
  await writeFile(
    path.join(dir, 'profiles.yaml'),
    'gas:\n  unit: "%LEL"\n  setpoints:\n    hi: { value: 20, priority: high }\n',
  );
  await writeFile(
    path.join(dir, 'sites', 'depot.yaml'),
    'id: depot\ntype: storage\nsensors:\n  - { id: GD-1, kind: gas, gas: methane, unit: "%LEL", profile: gas }\n',
  );
  await writeFile(path.join(dir, 'gaswatch.yaml'), `mqtt:\n  url: mqtt://127.0.0.1:1883\n${notify}`);
  return loadConfig(path.join(dir, 'gaswatch.yaml'), env);
}

const EXAMPLE = `notify:
  channels:
    - name: control-room
      type: dingtalk
      url: \${env:DINGTALK_URL}
      secret: \${env:DINGTALK_SECRET}
    - name: ops-mail
      type: email
      smtp: { host: smtp.example.com, port: 465, user: gaswatch, password: "\${env:SMTP_PASSWORD}" }
      from: gaswatch <gaswatch@example.com>
      to: [ops@example.com]
    - { name: scada, type: webhook, url: "https://scada.example/hook" }
  routes:
    - { sites: ["*"], priorities: [critical, high], channels: [control-room, ops-mail] }
    - { sites: [zjk-*], channels: [scada], events: [raised, cleared, acked] }
  escalation: { channels: [ops-mail, control-room] }
  dailyReport: { schedule: "0 8 * * *", timezone: Asia/Shanghai, channels: [ops-mail] }
  consoleUrl: https://gaswatch.example
`;

describe('notify config', () => {
  it('loads the documented example, with defaults and secrets substituted', async () => {
    const res = await load(EXAMPLE, {
      DINGTALK_URL: 'https://oapi.dingtalk.com/robot/send?access_token=t',
      DINGTALK_SECRET: 'SECxyz',
      SMTP_PASSWORD: 'pw',
    });
    if (!res.ok) throw new Error(res.errors.join('\n'));
    const n = res.config.main.notify;
    expect(n?.channels.map((c) => `${c.name}:${c.type}`)).toEqual([
      'control-room:dingtalk',
      'ops-mail:email',
      'scada:webhook',
    ]);
    expect(n?.channels[0]).toMatchObject({ secret: 'SECxyz', timeout: 10_000 });
    expect(n?.channels[1]).toMatchObject({ smtp: { port: 465, password: 'pw', requireTLS: false } });
    expect(n?.routes[0]?.events).toEqual(['raised', 'realarmed', 'escalated', 'flood']);
    expect(n?.routes[1]?.priorities).toEqual(['critical', 'high', 'medium', 'low']);
    expect(n?.escalation).toEqual({
      channels: ['ops-mail', 'control-room'],
      personalWebhooks: true,
      priorities: ['critical', 'high', 'medium', 'low'],
    });
    expect(n?.retry).toEqual({ initialDelay: 1000, maxDelay: 300_000, giveUpAfter: 3_600_000 });
    expect(n?.maxQueue).toBe(1000);
  });

  it('reports every mistake at its line: type, duplicate, unknown channel, recipients, cron, zone', async () => {
    const res = await load(`notify:
  channels:
    - { name: a, type: dingtlk, url: "https://x.example" }
    - { name: b, type: webhook, url: "https://x.example" }
    - { name: b, type: email, smtp: { host: h }, from: f }
  routes:
    - { channels: [b, nope] }
  escalation: { channels: [c] }
  dailyReport: { schedule: "0 25 * * *", timezone: Mars/Olympus, channels: [b] }
  timezone: Asia/Shangai
`);
    expect(res.ok).toBe(false);
    const errors = res.ok ? [] : res.errors.map((l) => l.replace(/^.*gaswatch\.yaml:/, ''));
    expect(errors).toEqual([
      expect.stringMatching(
        /^5:24 {2}notify\.channels\.0\.type {2}type must be one of: webhook, dingtalk, wecom, feishu, email, got "dingtlk"$/,
      ),
      expect.stringMatching(
        /^7:15 {2}notify\.channels\.2\.name {2}channel "b" is already declared at notify\.channels\.1$/,
      ),
      expect.stringMatching(/^9:23 {2}notify\.routes\.0\.channels\.1 {2}no channel "nope" in notify\.channels/),
      expect.stringMatching(/^10:28 {2}notify\.escalation\.channels\.0 {2}no channel "c"/),
      expect.stringMatching(
        /^11:28 {2}notify\.dailyReport\.schedule {2}not a cron expression: 25 is a invalid expression for hour/,
      ),
      expect.stringMatching(/^11:52 {2}notify\.dailyReport\.timezone {2}expected an IANA time zone/),
      expect.stringMatching(/^12:13 {2}notify\.timezone {2}expected an IANA time zone/),
    ]);
  });

  it('needs `to` on an email channel used by a route or the report, not for escalation', async () => {
    const res = await load(`notify:
  channels:
    - { name: m, type: email, smtp: { host: h }, from: f }
  routes: [{ channels: [m] }]
  escalation: { channels: [m] }
`);
    expect(res.ok ? [] : res.errors.map((l) => l.replace(/^.*gaswatch\.yaml:/, ''))).toEqual([
      expect.stringMatching(/^6:25 {2}notify\.routes\.0\.channels\.0 {2}email channel "m" needs `to` recipients/),
    ]);
  });

  it('the commented example in the shipped config/gaswatch.yaml is valid once uncommented', async () => {
    const text = await readFile('config/gaswatch.yaml', 'utf8');
    const from = text.indexOf('# notify:');
    expect(from).toBeGreaterThan(0);
    const lines: string[] = [];
    for (const line of text.slice(from).split('\n')) {
      if (!line.startsWith('#')) break;
      lines.push(line.replace(/^# ?/, ''));
    }
    // What ${env:…} and ${file:…} would give at load time.
    const yaml = lines
      .join('\n')
      .replace(/\$\{env:GASWATCH_DINGTALK_URL\}/, 'https://oapi.dingtalk.com/robot/send?access_token=t')
      .replace(/\$\{(env|file):[^}]+\}/g, 'secret');
    const notify = Notify.parse(parse(yaml).notify);
    expect(notify.channels.map((c) => c.name)).toEqual(['control-room', 'ops-mail', 'scada']);
    expect(notify.dailyReport?.channels).toEqual(['ops-mail']);
  });

  it('an unknown key on a channel lists the keys of that channel type', async () => {
    const res = await load(`notify:
  channels:
    - name: mail
      type: email
      smtp: { host: smtp.example.com }
      from: gaswatch@example.com
      too: [ops@example.com]
`);
    expect(res.ok).toBe(false);
    const line = (res.ok ? [] : res.errors).find((l) => l.includes('"too"'));
    expect(line).toMatch(/unknown key "too" \(did you mean "to"\?\)|allowed: .*\bsmtp\b/);
    expect(line).not.toMatch(/allowed: .*\bheaders\b/);
  });
});
