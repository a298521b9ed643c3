/** The real alarm engine held to the same AlarmsApi contract as the HTTP fixtures. */
import { ManualClock } from '../../src/util/clock.js';
import { engineRig, sitesFrom } from '../helpers/engine.js';
import { alarmsApiContract } from './alarms-contract.js';
import { MemoryLiveFeed } from './fixtures.js';

const PROFILES = {
  gas: { unit: '%LEL', deadband: 2, offDelay: 0, range: [0, 100], setpoints: { hi: { value: 20, priority: 'high' } } },
};
const SENSORS = Array.from({ length: 20 }, (_, i) => ({
  id: `GD-${i + 1}`,
  kind: 'gas',
  gas: 'methane',
  unit: '%LEL',
  profile: 'gas',
  interval: '1h',
}));

alarmsApiContract('AlarmEngine', async () => {
  const clock = new ManualClock();
  const rig = engineRig(sitesFrom(PROFILES, [{ id: 'zjk-depot', type: 'storage', sensors: SENSORS }]), { clock });
  const live = new MemoryLiveFeed();
  let seen = 0;
  const forward = () => {
    for (; seen < rig.events.length; seen++) live.emitAlarm(rig.events[seen]!);
  };
  let n = 0;
  return {
    api: {
      list: (f) => rig.engine.list(f),
      history: (q) => rig.engine.history(q),
      ack: (...a) => {
        const r = rig.engine.ack(...a);
        forward();
        return r;
      },
      shelve: (...a) => {
        const r = rig.engine.shelve(...a);
        forward();
        return r;
      },
      unshelve: (...a) => {
        const r = rig.engine.unshelve(...a);
        forward();
        return r;
      },
    },
    live,
    async raise() {
      const sensor = `GD-${++n}`;
      clock.advance(1000);
      rig.read('zjk-depot', sensor, 25);
      forward();
      return `zjk-depot/${sensor}/hi`;
    },
    async clear(id) {
      clock.advance(1000);
      rig.read('zjk-depot', id.split('/')[1]!, 3);
      forward();
    },
  };
});
