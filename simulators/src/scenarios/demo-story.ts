import { formatDuration } from '../duration.js';
import { ppmAtLel } from '../layout.js';
import { isGasDetector, MINUTE, ramp, resolveTarget, type Scenario, SECOND } from '../scenario.js';

/** The demo's timeline, ms after the start: something for an operator to see every few minutes. */
export const DEMO_STORY = {
  leak: {
    target: 'hx-station/GD-21',
    start: 5 * SECOND,
    rise: 45 * SECOND,
    peakLel: 45,
    stopAt: 150 * SECOND,
    clearTau: 20 * SECOND,
  },
  pressureDrop: { target: 'zjk-depot/PT-102', at: 4 * MINUTE, fall: 2.5, over: 90 * SECOND },
  dropout: { target: 'zjk-depot/GD-16', from: 6 * MINUTE, until: 8 * MINUTE },
};

/**
 * `gaswatch demo`'s scripted story on the full facility: a slow leak at the filling station that
 * alarms and clears, a pressure drop at the depot (a rate-of-change alarm), and a detector that
 * goes silent for two minutes. Meant to loop at real speed.
 */
export const demoStory: Scenario = {
  name: 'demo-story',
  summary: 'Demo loop: a station leak that alarms and clears, a depot pressure drop, a detector going silent',
  defaultDuration: 10 * MINUTE,
  setup(world) {
    const { leak, pressureDrop, dropout } = DEMO_STORY;
    const detector = resolveTarget(world, leak.target, leak.target, isGasDetector, 'a gas detector');
    const gas = detector.spec.gas!;
    const peak = ppmAtLel(gas, leak.peakLel);
    world.addLeak(detector.spec.site, {
      gas,
      position: detector.spec.position,
      r0: 2,
      sourcePpm: (t) =>
        t < leak.stopAt
          ? peak * ramp(t, leak.start, leak.start + leak.rise)
          : peak * ramp(leak.stopAt, leak.start, leak.start + leak.rise) * Math.exp(-(t - leak.stopAt) / leak.clearTau),
    });

    const tank = resolveTarget(
      world,
      pressureDrop.target,
      pressureDrop.target,
      (s) => s.spec.kind === 'pressure',
      'a pressure transmitter',
    );
    const healthy = tank.measure;
    let before = 0;
    tank.measure = (t) => {
      if (t < pressureDrop.at) {
        before = healthy(t);
        return before;
      }
      // A relief valve lifts and reseats: the tank loses a few MPa, then holds at the lower level.
      return before - pressureDrop.fall * ramp(t, pressureDrop.at, pressureDrop.at + pressureDrop.over);
    };

    const silent = resolveTarget(world, dropout.target, dropout.target, () => true, 'a sensor');
    silent.behaviour = (t, measure) => (t >= dropout.from && t < dropout.until ? null : { value: measure() });

    Object.assign(world.details, { leak: detector.key, pressureDrop: tank.key, dropout: silent.key });
    world.notes.push(
      `${detector.key} leaks from +${formatDuration(leak.start)} (≥ 20 %LEL at about +${formatDuration(leak.start + (leak.rise * 20) / leak.peakLel)}), stopped at +${formatDuration(leak.stopAt)}`,
      `${tank.key} loses ${pressureDrop.fall} MPa from +${formatDuration(pressureDrop.at)}`,
      `${silent.key} is silent from +${formatDuration(dropout.from)} to +${formatDuration(dropout.until)}`,
    );
  },
};
