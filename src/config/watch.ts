/**
 * Live tuning (SPEC §6): a changed site or profile file, or SIGHUP, re-reads the whole config.
 * The watcher only loads and reports; the app validates-then-swaps (STYLE habit 5) in `onReload`.
 *
 * Directories are watched rather than files: editors save by writing a new file and renaming it
 * over the old one, which a watch on the old file's inode would never see again. Events are
 * debounced (one save is several events) and reloads run one at a time.
 */
import { createHash } from 'node:crypto';
import { type FSWatcher, watch } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../util/logger.js';
import { expandGlob, matchesGlob } from './glob.js';
import { type LoadedConfig, type LoadResult, loadConfig } from './load.js';

export type ReloadCause = 'watch' | 'signal';

export interface ConfigWatcherOptions {
  /** The main config file, as given to loadConfig. */
  file: string;
  env?: NodeJS.ProcessEnv;
  /** The config in force: its files are the ones watched. */
  current: LoadedConfig;
  onReload: (result: LoadResult, cause: ReloadCause) => void;
  logger?: Logger;
  debounceMs?: number;
}

export class ConfigWatcher {
  private readonly watchers = new Map<string, FSWatcher>();
  private files = new Set<string>();
  private sitesPattern = '';
  private timer: NodeJS.Timeout | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private pendingWatch: Promise<LoadResult | undefined> | undefined;
  /** Content of the files at the last reload: a save that changes nothing reloads nothing. */
  private fingerprint: string | undefined;
  private running = false;
  /** An event came before the start fingerprint was taken: it may already include the change. */
  private baselined = false;
  private forceNext = false;

  constructor(private readonly opts: ConfigWatcherOptions) {}

  /**
   * Watches from now on; resolves once the files' content at start is recorded. A save between the
   * app's load and this moment is missed until the next change or SIGHUP.
   */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.track(this.opts.current);
    // Queued first so that the first change is compared with the files as they were at start.
    const baseline = this.queue.then(async () => {
      this.fingerprint ??= await this.contentFingerprint();
      this.baselined = true;
    });
    this.queue = baseline;
    await baseline;
  }

  /** Stops watching; waits for a reload in progress, whose result is then dropped. */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
    await this.queue;
  }

  /** Re-read the config now (SIGHUP): always reloads, even when no file changed (env, secret files). */
  reload(): Promise<LoadResult | undefined> {
    return this.enqueue('signal');
  }

  private enqueue(cause: ReloadCause): Promise<LoadResult | undefined> {
    if (cause === 'watch' && this.pendingWatch) return this.pendingWatch;
    const p = this.queue.then(() => {
      if (cause === 'watch') this.pendingWatch = undefined;
      return this.run(cause);
    });
    if (cause === 'watch') this.pendingWatch = p;
    this.queue = p.catch(() => undefined);
    return p;
  }

  private async run(cause: ReloadCause): Promise<LoadResult | undefined> {
    if (!this.running && cause === 'watch') return undefined;
    const before = await this.contentFingerprint();
    const force = this.forceNext;
    this.forceNext = false;
    if (cause === 'watch' && !force && before === this.fingerprint) {
      this.opts.logger?.debug('config files touched but unchanged; not reloading');
      return undefined;
    }
    this.fingerprint = before;
    const result = await loadConfig(this.opts.file, this.opts.env ?? process.env);
    if (result.ok) this.track(result.config);
    if (!this.running) return result;
    try {
      this.opts.onReload(result, cause);
    } catch (err) {
      this.opts.logger?.error({ err }, 'config reload handler failed');
    }
    return result;
  }

  /** Watch the directories of `config`'s files, and the sites directory for new site files. */
  private track(config: LoadedConfig): void {
    if (!this.running) return;
    this.files = new Set(config.files);
    this.sitesPattern = path.resolve(path.dirname(config.file), config.main.sites);
    const dirs = new Set([...this.files].map((f) => path.dirname(f)));
    dirs.add(path.dirname(this.sitesPattern));
    for (const [dir, w] of this.watchers)
      if (!dirs.has(dir)) {
        w.close();
        this.watchers.delete(dir);
      }
    for (const dir of dirs) {
      if (this.watchers.has(dir)) continue;
      try {
        const w = watch(dir, { persistent: false }, (_event, name) => this.onEvent(dir, name));
        w.on('error', (err) => this.opts.logger?.warn({ err, dir }, 'config watch failed; SIGHUP still reloads'));
        this.watchers.set(dir, w);
      } catch (err) {
        this.opts.logger?.warn({ err, dir }, 'cannot watch config directory; SIGHUP still reloads');
      }
    }
  }

  private onEvent(dir: string, name: string | Buffer | null): void {
    if (!this.running) return;
    const file = name === null ? undefined : path.join(dir, name.toString());
    if (file !== undefined && !this.files.has(file) && !matchesGlob(file, this.sitesPattern)) return;
    if (!this.baselined) this.forceNext = true;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.enqueue('watch');
    }, this.opts.debounceMs ?? 300);
  }

  private async contentFingerprint(): Promise<string> {
    const hash = createHash('sha256');
    const globbed = await expandGlob(this.sitesPattern);
    const files = new Set([...this.files, ...(globbed.ok ? globbed.files : [])]);
    for (const f of [...files].sort()) {
      hash.update(`${f}\0`);
      hash.update(await readFile(f).catch(() => Buffer.from('\0missing\0')));
    }
    return hash.digest('hex');
  }
}
