import { describe, expect, it } from 'vitest';
import { compilePattern, parseTopic, subscriptionFilters } from '../../src/ingest/topics.js';

describe('topic patterns', () => {
  const pats = [compilePattern('gas/{site}/{sensor}'), compilePattern('edge/+/{site}/dev/{sensor}/#')];
  it('compiles to subscription filters', () => {
    expect(pats.map((p) => p.filter)).toEqual(['gas/+/+', 'edge/+/+/dev/+/#']);
  });
  it('parses site and sensor', () => {
    expect(parseTopic(pats, 'gas/zjk-depot/GD-12')).toEqual({ site: 'zjk-depot', sensor: 'GD-12' });
    expect(parseTopic(pats, 'edge/gw1/hx-station/dev/PT-201/raw/x')).toEqual({ site: 'hx-station', sensor: 'PT-201' });
  });
  it('refuses what does not match', () => {
    expect(parseTopic(pats, 'gas/zjk-depot')).toBeNull();
    expect(parseTopic(pats, 'gas/zjk-depot/GD-12/extra')).toBeNull();
    expect(parseTopic(pats, 'gas//GD-12')).toBeNull();
    expect(parseTopic(pats, 'gaswatch/alarms/a/b')).toBeNull();
  });
  it('rejects malformed patterns', () => {
    expect(() => compilePattern('gas/{site}')).toThrow(/must contain/);
    expect(() => compilePattern('gas/#/{site}/{sensor}')).toThrow(/last level/);
    expect(() => compilePattern('gas/x{site}/{sensor}')).toThrow();
  });
});

describe('subscription filters', () => {
  it('subscribe every site, or only a partition of sites', () => {
    const pats = [compilePattern('gas/{site}/{sensor}'), compilePattern('edge/+/{site}/{sensor}/#')];
    expect(subscriptionFilters(pats)).toEqual(['gas/+/+', 'edge/+/+/+/#']);
    expect(subscriptionFilters(pats, ['a', 'b'])).toEqual(['gas/a/+', 'edge/+/a/+/#', 'gas/b/+', 'edge/+/b/+/#']);
  });
});
