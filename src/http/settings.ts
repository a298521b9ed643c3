/**
 * The hardening settings of the HTTP server: the `http` section of the config
 * (src/config/schema.ts, where each is described), as options of `createHttpServer`. Durations are
 * milliseconds. docs/security.md explains what each defends against.
 */
import type { LoginLimitOptions } from './login-guard.js';
import type { StreamLimits } from './stream-slots.js';

export type OpenEndpoint = 'healthz' | 'readyz' | 'metrics';

export interface HttpTimeouts {
  /** Request headers must arrive whole within this. */
  headers: number;
  /** The whole request, headers and body, within this. */
  request: number;
  /** An idle keep-alive connection is closed after this. */
  keepAlive: number;
  /** A connection on which nothing moves (not a byte either way) is closed after this. */
  idle: number;
}

export const DEFAULT_TIMEOUTS: HttpTimeouts = { headers: 10_000, request: 30_000, keepAlive: 5_000, idle: 60_000 };

export interface ConnectionSettings {
  /** 'auto': the open-file limit minus `reserve`. */
  max: number | 'auto';
  /** Descriptors kept for MQTT, InfluxDB, the state files and node itself. */
  reserve: number;
  /** Connections not (yet) of a logged-in user, per client address. */
  perAddress: number;
}

export const DEFAULT_CONNECTIONS: ConnectionSettings = { max: 'auto', reserve: 256, perAddress: 32 };

export interface HttpSettings {
  anonymousViewer: boolean;
  /**
   * Peers whose X-Forwarded-For / -Proto are believed (reverse proxies): true for any, or their
   * addresses and CIDR ranges. Then the login throttle and stream limits see real client addresses.
   */
  trustProxy?: boolean | readonly string[];
  /** `Secure` on cookies: always, never, or 'auto' (when the browser came over TLS). Default 'auto'. */
  secureCookies?: boolean | 'auto';
  /** Host names answered besides IP literals, localhost and the listen host (checked with anonymousViewer). */
  allowedHosts?: readonly string[];
  /** Endpoints served without credentials. Default healthz and readyz (probes); metrics needs a viewer. */
  open?: readonly OpenEndpoint[];
  /** Request bodies above this are refused with 413. Default 16 KiB: commands are small. */
  bodyLimit?: number;
  timeouts?: Partial<HttpTimeouts>;
  connections?: Partial<ConnectionSettings>;
  /** Live-stream slots (stream-slots.ts). */
  streams?: Partial<StreamLimits>;
  /** Login throttle (login-guard.ts). */
  login?: LoginLimitOptions;
}

/** The config's `http` section without what is not a server option (`enabled`, and `listen`, passed apart). */
export function httpSettings(http: Required<HttpSettings> & { listen: string; enabled: boolean }): HttpSettings {
  const { listen: _listen, enabled: _enabled, ...settings } = http;
  return settings;
}
