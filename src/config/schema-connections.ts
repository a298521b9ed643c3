/**
 * The connection sections of gaswatch.yaml — `mqtt`, `influx`, `http` (SPEC §6) — each needing a
 * restart to apply (`.meta({ apply: 'restart' })`, read by the reload: apply-mode.ts).
 */
import { z } from 'zod';
import { Duration, Id, Size, urlOf } from './schema-common.js';

export const MqttSection = z
  .strictObject({
    url: z
      .string()
      .regex(urlOf('mqtt|mqtts|tcp|tls|ws|wss', 'embedded'), 'expected mqtt://host:port, mqtts://…, ws://… or embedded')
      .default('mqtt://127.0.0.1:1883')
      .describe('Broker URL, or "embedded" for an in-process broker'),
    clientId: z.string().min(1).default('gaswatch-1').describe('Stable client id: the broker keeps our session by it'),
    username: z.string().optional().describe('Broker user (use ${env:…} or ${file:…})'),
    password: z.string().optional().describe('Broker password (use ${env:…} or ${file:…})'),
    topics: z
      .array(z.string())
      .min(1)
      .default(['gas/{site}/{sensor}'])
      .describe('Topic patterns of readings: {site} and {sensor} capture one level each; + and # match freely'),
    prefix: z.string().min(1).default('gaswatch').describe('Root of the topics gaswatch publishes'),
    maxPayload: Size.default(256 * 1024).describe('Larger payloads are rejected'),
    receiveMaximum: z.number().int().min(1).max(65535).default(65535).describe('MQTT 5 in-flight QoS 1 limit'),
    protocolVersion: z.literal([4, 5]).default(5).describe('4 = MQTT 3.1.1, 5 = MQTT 5'),
    subscribe: z
      .enum(['all', 'sites'])
      .default('all')
      .describe(
        'all: every site on the topic patterns; sites: only the sites in this config (one instance ' +
          'per partition of sites behind a clustered broker, SPEC §10)',
      ),
    instance: Id.max(64, 'at most 64 characters (system alarm ids carry it)')
      .optional()
      .describe(
        'Name of this instance when several run: its status goes to {prefix}/status/{instance}, its ' +
          'system alarms are _gaswatch/{instance}.{name}/system',
      ),
    tls: z
      .strictObject({
        ca: z
          .string()
          .min(1)
          .optional()
          .describe('PEM file of the CA that signed the broker’s certificate (a private CA); default the system CAs'),
        cert: z.string().min(1).optional().describe('PEM file of our client certificate, for brokers that require one'),
        key: z
          .string()
          .min(1)
          .optional()
          .describe('PEM file of the client certificate’s private key (keep it readable by gaswatch only)'),
        servername: z
          .string()
          .min(1)
          .optional()
          .describe('Name the broker’s certificate must carry, when the URL uses an address or another name'),
        rejectUnauthorized: z
          .boolean()
          .default(true)
          .describe('Refuse a broker whose certificate does not verify. false only to diagnose (check-config warns)'),
      })
      .optional()
      .describe('TLS to the broker (mqtts://): files relative to this config file, checked by check-config'),
    commands: z
      .strictObject({
        requireToken: z
          .boolean()
          .default(true)
          .describe(
            'A command on {prefix}/cmd/# must carry the API token of the operator it names (SPEC §4). false: ' +
              'the named operator is trusted without a token, for brokers whose ACLs let only operator tools ' +
              'publish there (check-config warns)',
          ),
      })
      .prefault({})
      .describe('Operator commands over MQTT (ack, shelve, unshelve)'),
  })
  .prefault({})
  .meta({ apply: 'restart' })
  .describe('MQTT broker connection (restart to apply changes)');

export const InfluxSection = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Store readings and alarm events in InfluxDB'),
    url: z
      .string()
      .regex(urlOf('http|https'), 'expected http://host:port or https://…')
      .default('http://127.0.0.1:8086')
      .describe('InfluxDB 1.x URL'),
    database: z.string().min(1).default('gaswatch').describe('Database, created if missing'),
    username: z.string().optional().describe('Use ${env:…} or ${file:…}'),
    password: z.string().optional().describe('Use ${env:…} or ${file:…}'),
    batchSize: z.number().int().positive().default(5000).describe('Points per write'),
    flushInterval: Duration.default(1000).describe('Write a partial batch after this'),
    spoolMaxBytes: Size.default(1024 ** 3).describe('Disk spool while InfluxDB is down; oldest telemetry dropped'),
    tls: z
      .strictObject({
        ca: z
          .string()
          .min(1)
          .optional()
          .describe('PEM file of the CA that signed InfluxDB’s certificate (a private CA); default the system CAs'),
      })
      .optional()
      .describe('HTTPS to InfluxDB (https:// URL): files relative to this config file, checked by check-config'),
  })
  .prefault({})
  .meta({ apply: 'restart' })
  .describe('InfluxDB 1.x time-series store (restart to apply changes)');

export const HttpSection = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Serve the console, API and /metrics'),
    listen: z
      .string()
      .regex(/^(\[[0-9A-Fa-f:.]+\]|[^\s:[\]]+):\d{1,5}$/, 'expected host:port, e.g. 127.0.0.1:8080')
      .default('127.0.0.1:8080')
      .describe('host:port'),
    anonymousViewer: z.boolean().default(false).describe('Anyone may read without logging in (demo)'),
    trustProxy: z
      .union([z.boolean(), z.array(z.string().min(1)).min(1)])
      .default(false)
      .describe(
        'Reverse proxies whose X-Forwarded-For/-Proto are believed: their addresses or CIDR ranges ' +
          '(or loopback, linklocal, uniquelocal), or true for any peer (only when nothing else can reach ' +
          'the port). Without it, behind a proxy every operator seems to come from the proxy’s address',
      ),
    secureCookies: z
      .union([z.boolean(), z.literal('auto')])
      .default('auto')
      .describe(
        'Secure flag on the session cookie: auto when the browser came over HTTPS (directly or per ' +
          'X-Forwarded-Proto of a trusted proxy), true always (TLS proxy that does not say so), false never',
      ),
    allowedHosts: z
      .array(z.string().min(1))
      .default([])
      .describe(
        'Host names the server answers to besides IP addresses, localhost and the listen host ' +
          '(*.example.com for subdomains). Checked when anonymousViewer is on or this list is not ' +
          'empty: a guard against DNS rebinding',
      ),
    open: z
      .array(z.enum(['healthz', 'readyz', 'metrics']))
      .default(['healthz', 'readyz'])
      .describe('Endpoints served without logging in; the others need a viewer (a bearer token for Prometheus)'),
    bodyLimit: Size.default(16 * 1024).describe('Larger request bodies are refused with 413'),
    timeouts: z
      .strictObject({
        headers: Duration.default(10_000).describe('Request headers must arrive whole within this'),
        request: Duration.default(30_000).describe('The whole request, headers and body, within this'),
        keepAlive: Duration.default(5_000).describe('An idle keep-alive connection is closed after this'),
        idle: Duration.default(60_000).describe(
          'A connection with no traffic either way is closed after this (live streams send a heartbeat every 10 s)',
        ),
      })
      .prefault({})
      .describe('Timeouts that end slow or silent clients (slow-loris)'),
    connections: z
      .strictObject({
        max: z
          .union([z.literal('auto'), z.number().int().min(16)])
          .default('auto')
          .describe(
            'Most HTTP connections at once; auto: the open-file limit (ulimit -n) minus reserve. ' +
              'Beyond it the oldest connection not of a logged-in user is closed',
          ),
        reserve: z
          .number()
          .int()
          .min(32)
          .default(256)
          .describe('File descriptors kept for MQTT, InfluxDB, the alarm journal, the spool and logs'),
        perAddress: z
          .number()
          .int()
          .min(1)
          .default(32)
          .describe('Connections not (yet) of a logged-in user per client address (trusted proxies exempt)'),
      })
      .prefault({})
      .describe('The connection budget: slow clients cannot take the descriptors the daemon needs'),
    streams: z
      .strictObject({
        max: z.number().int().min(1).default(500).describe('Live streams (/api/events) at once'),
        reservedForOperators: z
          .number()
          .int()
          .min(0)
          .default(50)
          .describe('Of those, slots only operators and admins may take: viewers never lock them out'),
        perIdentity: z.number().int().min(1).default(20).describe('Streams per operator name'),
        anonymous: z.number().int().min(0).default(100).describe('Streams of anonymous viewers in all'),
        anonymousPerAddress: z
          .number()
          .int()
          .min(1)
          .default(4)
          .describe('Streams of anonymous viewers per client address'),
      })
      .prefault({})
      .describe('Live-stream slots of the console'),
    login: z
      .strictObject({
        perAddress: z.number().int().min(1).default(5).describe('Failed logins per client address before it waits'),
        perAccount: z
          .number()
          .int()
          .min(1)
          .default(10)
          .describe(
            'Failed logins per account, from anywhere, before it waits (browsers that logged in before excepted)',
          ),
        window: Duration.default(15 * 60_000).describe('Failures older than this are forgotten'),
        maxBackoff: Duration.default(60_000).describe('The wait doubles from 1 s per further failure up to this'),
      })
      .prefault({})
      .describe('Login throttle against password guessing'),
  })
  .prefault({})
  .meta({ apply: 'restart' })
  .describe('Console and HTTP API (restart to apply changes)');

export const HaSection = z
  .strictObject({
    node: Id.describe(
      'This node’s name within its pair (e.g. a, b): two instances with the same mqtt.instance and mqtt.clientId ' +
        'and different nodes form a hot-standby pair, one active and one standby (docs/ha.md)',
    ),
    takeoverAfter: Duration.default(10_000).describe(
      'The standby takes the partition over when the active node’s status has been offline (its Last Will), ' +
        'or silent, for this long',
    ),
  })
  .meta({ apply: 'restart' })
  .describe('Hot standby (SPEC §10, docs/ha.md); absent: a single node, always active (restart to apply changes)');
export type HaConfig = z.output<typeof HaSection>;
