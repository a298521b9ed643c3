/**
 * The JSON Schema files in config/schema/ are generated from the zod schemas and committed, so
 * editors find them without running gaswatch. They must match what `gaswatch schema` generates.
 * Regenerate after changing src/config/schema.ts:  UPDATE_SCHEMA=1 npx vitest run test/config/schema-file.test.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { schemaCommand } from '../../src/config/commands.js';
import { jsonSchemaText, SCHEMA_KINDS, type SchemaKind } from '../../src/config/json-schema.js';
import { Main } from '../../src/config/schema.js';

const DIR = path.join('config', 'schema');

describe('committed JSON Schema', () => {
  it.each(Object.keys(SCHEMA_KINDS) as SchemaKind[])('config/schema for %s matches the zod schema', (kind) => {
    const file = path.join(DIR, SCHEMA_KINDS[kind].file);
    if (process.env.UPDATE_SCHEMA === '1') writeFileSync(file, jsonSchemaText(kind));
    expect(readFileSync(file, 'utf8'), `${file} is stale: regenerate it (see the top of this test)`).toBe(
      jsonSchemaText(kind),
    );
  });

  it('is draft-07 from z.toJSONSchema, with defaults optional for the editor', () => {
    const main = JSON.parse(readFileSync(path.join(DIR, 'gaswatch.schema.json'), 'utf8'));
    expect(main.$schema).toBe('http://json-schema.org/draft-07/schema#');
    const { $schema: _, ...generated } = z.toJSONSchema(Main, { target: 'draft-7', io: 'input' }) as Record<
      string,
      unknown
    >;
    expect(main).toMatchObject(generated);
    expect(main.required ?? []).toEqual([]);
    expect(main.additionalProperties).toBe(false);
    const interval = main.properties.alarms.properties.defaultInterval;
    expect(JSON.stringify(interval)).toContain('"type":"string"');
  });

  it('gaswatch schema prints the main schema; --write regenerates all three', async () => {
    let stdout = '';
    const out = { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: () => true } };
    expect(await schemaCommand(out)).toBe(0);
    expect(stdout).toBe(jsonSchemaText('main'));
    stdout = '';
    expect(await schemaCommand(out, { kind: 'site' })).toBe(0);
    expect(JSON.parse(stdout).title).toContain('site');
    expect(await schemaCommand(out, { kind: 'nope' })).toBe(2);
  });
});
