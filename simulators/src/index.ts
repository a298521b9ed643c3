/**
 * gaswatch-simulators: simulated gas detectors and pressure transmitters that publish over MQTT in
 * the SPEC §1 wire format, for tests, demos and benchmarks. See README.md.
 */
export type { FormatOptions } from './channel.js';
export { parseSpeed, SimClock } from './clock.js';
export { formatDuration, parseDuration } from './duration.js';
export { GARBAGE_KINDS, type GarbageKind, type GarbageTag, garbageVariants, PAYLOAD_LIMIT_BYTES } from './garbage.js';
export {
  allSensors,
  FACILITY,
  GAS_LEL,
  type Gas,
  HX_STATION,
  loadId,
  loadLayout,
  type Position,
  ppmAtLel,
  type SensorKind,
  type SensorSpec,
  type SiteSpec,
  sensorKey,
  type Wind,
  windOffsets,
  ZJK_DEPOT,
} from './layout.js';
export type { PayloadFormat, SimMessage } from './message.js';
export { type Leak, plumePath } from './models/plume.js';
export { createRng, type Rng } from './rng.js';
export {
  type PublishedMessage,
  type RunOptions,
  type RunResult,
  runScenario,
  type ScenarioRun,
  startScenario,
} from './run.js';
export type { Scenario, ScenarioOptions } from './scenario.js';
export { DEMO_STORY } from './scenarios/demo-story.js';
export { DRIFTING_CLOUD } from './scenarios/drifting-cloud.js';
export { DROPOUT } from './scenarios/dropout.js';
export { FLAPPING } from './scenarios/flapping.js';
export { GARBAGE } from './scenarios/garbage.js';
export { getScenario, listScenarios, scenarioNames } from './scenarios/index.js';
export { LOAD_DEFAULTS } from './scenarios/load.js';
export { RUPTURE } from './scenarios/rupture.js';
export { SLOW_LEAK } from './scenarios/slow-leak.js';
export { STUCK } from './scenarios/stuck-sensor.js';
export {
  createSimulation,
  generate,
  type Simulation,
  type SimulationOptions,
  type SimulationPlan,
} from './simulation.js';
export {
  encodeReading,
  fromPpm,
  type IntendedReading,
  quantise,
  type ReadingStatus,
  toPpm,
  topicOf,
} from './wire.js';
