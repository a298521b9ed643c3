/** The gaswatch-sim process shell: arguments in, a run, a summary out, an exit code. */
import { type CliCommand, parseCli, usage } from './cli-args.js';
import { formatDuration } from './duration.js';
import type { PublishedMessage, RunResult, ScenarioRun } from './run.js';
import { startScenario } from './run.js';
import { listScenarios } from './scenarios/index.js';

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  /** Calls `handler` on the first Ctrl-C (or SIGTERM); returns the unregistration. */
  onInterrupt(handler: () => void): () => void;
}

/** Exit codes: 0 done (also after Ctrl-C), 1 run failed or messages went unacknowledged, 2 usage error. */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  let cmd: CliCommand;
  try {
    cmd = parseCli(argv);
  } catch (err) {
    io.err(`gaswatch-sim: ${(err as Error).message}\nTry gaswatch-sim --help.`);
    return 2;
  }
  if (cmd.kind === 'help') {
    io.out(usage());
    return 0;
  }
  if (cmd.kind === 'list') {
    for (const s of listScenarios()) io.out(`${s.name.padEnd(16)} ${s.summary}`);
    return 0;
  }

  const { options, verbose, quiet } = cmd;
  for (const w of cmd.warnings) io.err(`gaswatch-sim: ${w}`);
  let published = 0;
  let run: ScenarioRun;
  try {
    run = startScenario({
      ...options,
      onPublish: (m) => {
        published++;
        if (verbose) io.out(describe(m));
      },
    });
  } catch (err) {
    io.err(`gaswatch-sim: ${(err as Error).message}`);
    return 2;
  }
  const { plan } = run;
  if (!quiet) {
    io.out(
      `gaswatch-sim: ${plan.scenario} on ${options.broker}, seed ${plan.seed}, ` +
        `start ${new Date(plan.startTime).toISOString()}, ${formatDuration(plan.duration)} simulated` +
        `${options.loop ? ' (looping)' : ''} at ${speedText(options.speed)}, QoS ${options.qos}`,
    );
    for (const note of plan.notes) io.out(`  ${note}`);
  }

  const progress = quiet ? undefined : setInterval(() => io.err(`  … ${published} messages published`), 10_000);
  progress?.unref();
  const off = io.onInterrupt(() => {
    io.err('gaswatch-sim: stopping (Ctrl-C again to force)…');
    void run.stop();
  });
  try {
    const result = await run.done;
    io.out(summary(result, options.qos ?? 1));
    return result.failed > 0 || result.unacknowledged > 0 ? 1 : 0;
  } catch (err) {
    io.err(`gaswatch-sim: ${(err as Error).message}`);
    return 1;
  } finally {
    off();
    if (progress) clearInterval(progress);
  }
}

function speedText(speed: number | 'max' | undefined): string {
  if (speed === undefined) return 'real time';
  if (speed === 'max' || speed === Number.POSITIVE_INFINITY) return 'max speed';
  return speed === 1 ? 'real time' : `${speed}× real time`;
}

function describe(m: PublishedMessage): string {
  const p = m.payload.length > 120 ? `${m.payload.slice(0, 117)}… (${m.payload.length} bytes)` : m.payload;
  const tag = m.garbage ? `  [garbage ${m.garbage.kind}/${m.garbage.variant}]` : '';
  return `${new Date(m.at).toISOString()} ${m.topic} ${JSON.stringify(p)}${tag}`;
}

export function summary(r: RunResult, qos: 0 | 1): string {
  const span = Number.isNaN(r.firstAt)
    ? 'nothing published'
    : `${new Date(r.firstAt).toISOString()} → ${new Date(r.lastAt).toISOString()}`;
  const counts = (rec: Record<string, number | undefined>) => {
    const list = Object.entries(rec).filter(([, n]) => n);
    // A load run has thousands of sites: name a few, count the rest.
    const shown = list.slice(0, 10).map(([k, n]) => `${k} ${n}`);
    if (list.length > 10) shown.push(`… and ${list.length - 10} more`);
    return shown.join(', ') || 'none';
  };
  const lines = [
    `gaswatch-sim: ${r.plan.scenario}, seed ${r.plan.seed}: published ${r.published} messages ` +
      `(${r.readings} readings, ${(r.bytes / 1024).toFixed(1)} KiB) in ${(r.wallMs / 1000).toFixed(1)} s` +
      `${r.iterations > 1 ? `, ${r.iterations} passes` : ''}${r.stopped ? ', stopped early' : ''}`,
    `  simulated ${span}`,
    `  acknowledged ${r.acknowledged} (QoS ${qos}), failed ${r.failed}, unacknowledged ${r.unacknowledged}, ` +
      `max lag ${Math.round(r.maxLagMs)} ms, ${Math.round(r.published / Math.max(r.wallMs / 1000, 1e-3))} msg/s`,
    `  formats: ${counts(r.byFormat)}`,
    `  sites: ${counts(r.bySite)}`,
  ];
  if (r.byFormat.garbage > 0) lines.push(`  garbage: ${counts(r.garbage)}`);
  for (const e of r.errors) lines.push(`  error: ${e}`);
  return lines.join('\n');
}

function processIo(): CliIo {
  return {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    onInterrupt(handler) {
      let count = 0;
      const onSignal = () => {
        count++;
        if (count === 1) handler();
        else process.exit(130);
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      return () => {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      };
    },
  };
}
