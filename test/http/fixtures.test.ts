/** The in-memory fixtures must honour the port contracts the real engine will be held to. */
import { ManualClock } from '../../src/util/clock.js';
import { alarmsApiContract } from './alarms-contract.js';
import { FakePlant } from './fixtures.js';

alarmsApiContract('in-memory fixture', async () => {
  const clock = new ManualClock();
  const plant = new FakePlant(clock);
  let n = 0;
  return {
    api: plant.alarms,
    live: plant.live,
    async raise() {
      const sensor = `GD-${++n}`;
      plant.gasSensor('zjk-depot', sensor, 'compressor-2');
      clock.advance(1000);
      plant.publish('zjk-depot', sensor, 25);
      return `zjk-depot/${sensor}/hi`;
    },
    async clear(id) {
      clock.advance(1000);
      plant.publish('zjk-depot', id.split('/')[1] as string, 3);
    },
  };
});
