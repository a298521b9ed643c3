/** Signals of the process shell: SIGINT/SIGTERM stop cleanly, a second one exits at once, SIGHUP reloads. */
import type { Logger } from './util/logger.js';

export function waitForSignals(
  app: { stop(): Promise<void>; reload?(): Promise<unknown> },
  logger: Logger,
): Promise<number> {
  return new Promise((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) {
        logger.warn({ signal }, 'second signal: exiting now');
        process.exit(130);
      }
      stopping = true;
      logger.info({ signal }, 'stopping');
      app.stop().then(
        () => resolve(0),
        (err) => {
          logger.error({ err }, 'stop failed');
          resolve(1);
        },
      );
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGHUP', () => {
      logger.info('SIGHUP: reloading config');
      void app.reload?.().catch((err) => logger.error({ err }, 'reload failed'));
    });
  });
}
