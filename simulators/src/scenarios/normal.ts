import { MINUTE, type Scenario } from '../scenario.js';

export const normal: Scenario = {
  name: 'normal',
  summary: 'Everyday operation: background gas, tank fill/withdraw cycles, daily temperature swing, LPG sales',
  defaultDuration: 10 * MINUTE,
  setup(world) {
    world.notes.push('Nothing goes wrong: no reading should reach an alarm setpoint.');
  },
};
