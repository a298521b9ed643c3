import { describe, expect, it } from 'vitest';
import { hostChecker, hostName } from '../../src/http/host-check.js';

describe('the Host check against DNS rebinding', () => {
  it('reads the host name out of a Host header', () => {
    expect(hostName('Example.COM:8080')).toBe('example.com');
    expect(hostName('[::1]:8080')).toBe('::1');
    expect(hostName('gaswatch.example.')).toBe('gaswatch.example');
    expect(hostName('::1')).toBe('::1');
  });

  it('answers IP literals, localhost, the listen host and the allowed names only', () => {
    const ok = hostChecker('0.0.0.0', ['gaswatch.example', '*.plant.example']);
    for (const h of ['127.0.0.1:8080', '[::1]:8080', '10.1.2.3', 'localhost:8080', 'gaswatch.example:443'])
      expect(ok(h), h).toBe(true);
    expect(ok('console.plant.example')).toBe(true);
    for (const h of ['evil.example', 'gaswatch.example.evil.example', 'plant.example', 'localhost.evil.example'])
      expect(ok(h), h).toBe(false);
    expect(hostChecker('gaswatch-01', [])('gaswatch-01:8080')).toBe(true);
    expect(ok(undefined)).toBe(true);
  });
});
