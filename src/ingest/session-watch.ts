/**
 * Readings queued for gaswatch while it was away are only as safe as the broker's session: a broker
 * restarted without persistence (or after a crash before its autosave), an expired session, or
 * another client taking the id all leave the broker with no session for gaswatch, and whatever it
 * had queued is gone without a trace (docs/deploy.md, measured on Mosquitto 2.0.11). The broker says
 * so in the CONNACK (`sessionPresent: false`). Once gaswatch has had a session — recorded in the
 * state directory — a CONNACK without one raises `_gaswatch/session-lost/system`: an operator must
 * know that readings from that time may be missing. It is raised and cleared at once, so it stays
 * on the console (cleared, unacknowledged) until someone acknowledges it.
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { SystemAlarms } from '../domain/ports.js';
import type { Logger } from '../util/logger.js';

export const SESSION_LOST_ALARM = 'session-lost';
const MARKER = 'mqtt-session';

export interface SessionWatchOptions {
  stateDir: string;
  clientId: string;
  alarms: SystemAlarms;
  logger: Logger;
}

export class SessionWatch {
  private hadSession = false;
  /** The alarm book can take the alarm (its state restored): before that a loss waits here. */
  private ready = false;
  private lost = false;

  constructor(private readonly o: SessionWatchOptions) {}

  start(): void {
    this.hadSession = existsSync(this.marker());
  }

  /** The alarms are restored: report a loss seen before, and any from now on at once. */
  alarmsReady(): void {
    this.ready = true;
    this.report();
  }

  /** A CONNACK of the persistent session. */
  connected(sessionPresent: boolean): void {
    const { o } = this;
    if (!sessionPresent && this.hadSession) {
      this.lost = true;
      this.report();
    }
    if (!this.hadSession) {
      this.hadSession = true;
      writeFile(this.marker(), `${JSON.stringify({ clientId: o.clientId, since: new Date().toISOString() })}\n`).catch(
        (err) => o.logger.warn({ err }, 'could not record the MQTT session in the state directory'),
      );
    }
  }

  private report(): void {
    if (!this.lost || !this.ready) return;
    this.lost = false;
    const { o } = this;
    o.logger.error(
      { clientId: o.clientId },
      'the MQTT broker had no session for gaswatch: readings queued for it while it was disconnected may be lost',
    );
    const message = { key: 'sessionLost', vars: { clientId: o.clientId } };
    for (const active of [true, false]) o.alarms.set(SESSION_LOST_ALARM, active, 'high', message);
  }

  private marker(): string {
    return path.join(this.o.stateDir, MARKER);
  }
}
