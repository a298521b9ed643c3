import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { closest } from '../../src/config/suggest.js';

const SITE = 'id: s\ntype: station\nsensors:\n  - { id: GD-1, kind: gas, gas: propane, unit: ppm, profile: gas }\n';
const PROFILES = 'gas:\n  unit: "%LEL"\n  setpoints:\n    hi: { value: 20, priority: high }\n';

describe('${env:…} and ${file:…}', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'gaswatch-subst-'));
    await writeFile(path.join(dir, 'profiles.yaml'), PROFILES);
    await writeFile(path.join(dir, 'site.yaml'), SITE);
    await writeFile(path.join(dir, 'token'), 'tok:with#and"quotes"-Zk2Vb7Xn1Lm4Pr6Ts9\n');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const load = async (main: string, env: NodeJS.ProcessEnv) => {
    await writeFile(path.join(dir, 'gaswatch.yaml'), `sites: site.yaml\n${main}`);
    return loadConfig(path.join(dir, 'gaswatch.yaml'), env);
  };

  it('substitutes inside strings, verbatim, and $${ stays literal', async () => {
    const r = await load(
      [
        'mqtt:',
        '  url: mqtts://${env:HOST}:8883',
        '  password: ${env:PW}',
        'operators:',
        '  - { name: api, role: viewer, token: "${file:token}" }',
        '  - { name: doc, role: viewer, token: "$${env:PW}-is-how-you-write-it-Xn1Lm4Pr6" }',
      ].join('\n'),
      { HOST: 'broker.example', PW: 'p: #w' },
    );
    if (!r.ok) throw new Error(r.errors.join('\n'));
    expect(r.config.main.mqtt.url).toBe('mqtts://broker.example:8883');
    expect(r.config.main.mqtt.password).toBe('p: #w');
    expect(r.config.main.operators.map((o) => o.token)).toEqual([
      'tok:with#and"quotes"-Zk2Vb7Xn1Lm4Pr6Ts9',
      '${env:PW}-is-how-you-write-it-Xn1Lm4Pr6',
    ]);
    // Secret files are watched, so a rotated token is picked up on the next reload.
    expect(r.config.files).toContain(path.join(dir, 'token'));
  });

  it('reports each missing variable at its value, with no secret in the lines', async () => {
    const r = await load('mqtt:\n  username: ${env:U}\n  password: ${env:MISSING}\n  url: ${env:U}\n', {
      U: 'not-a-url-secret',
    });
    expect(r.ok ? [] : r.errors.map((l) => l.replace(dir, 'DIR'))).toEqual([
      'DIR/gaswatch.yaml:4:13  mqtt.password  environment variable MISSING is not set (${env:MISSING})',
      'DIR/gaswatch.yaml:5:8  mqtt.url  expected mqtt://host:port, mqtts://…, ws://… or embedded, got a string (substituted value not shown)',
    ]);
  });

  it('keeps positions through YAML anchors and merge keys', async () => {
    await writeFile(
      path.join(dir, 'profiles.yaml'),
      `${PROFILES}base: &base\n  unit: MPa\n  setpoints:\n    hi: { value: 2, priority: high }\nderived:\n  <<: *base\n  range: [0, 1]\n`,
    );
    const r = await load('', {});
    await writeFile(path.join(dir, 'profiles.yaml'), PROFILES);
    // The merged setpoint is outside the derived range: reported at the derived profile.
    expect(r.ok ? [] : r.errors.map((l) => l.replace(dir, 'DIR'))).toEqual([
      'DIR/profiles.yaml:10:3  derived.setpoints.hi.value  hi 2 MPa is outside the range [0, 1] MPa: it could never be reached',
    ]);
  });
});

describe('did you mean', () => {
  it('suggests close words only', () => {
    expect(closest('profle', ['profile', 'range'])).toBe('profile');
    expect(closest('porfile', ['profile'])).toBe('profile');
    expect(closest('Unit', ['unit'])).toBe('unit');
    expect(closest('colour', ['kind', 'unit', 'profile'])).toBeUndefined();
    expect(closest('lo', ['hi', 'lolo'])).toBeUndefined();
    expect(closest('hihj', ['hi', 'hihi'])).toBe('hihi');
  });
});
