/**
 * JSON Schema (draft-07) of the three config file kinds, generated from the zod schemas for
 * yaml-language-server. The committed copies in config/schema/ are checked against this by a test.
 */
import { z } from 'zod';
import { Main, ProfilesFile, Site } from './schema.js';

export const SCHEMA_KINDS = {
  main: { file: 'gaswatch.schema.json', schema: Main, title: 'gaswatch main config (gaswatch.yaml)' },
  profiles: {
    file: 'profiles.schema.json',
    schema: ProfilesFile,
    title: 'gaswatch threshold profiles (profiles.yaml)',
  },
  site: { file: 'site.schema.json', schema: Site, title: 'gaswatch site (sites/*.yaml)' },
} as const;
export type SchemaKind = keyof typeof SCHEMA_KINDS;

/** `io: 'input'`: editors see what operators write (`5s`, keys with defaults optional), not the parsed form. */
export function jsonSchema(kind: SchemaKind): Record<string, unknown> {
  const { schema, title } = SCHEMA_KINDS[kind];
  const generated = z.toJSONSchema(schema, { target: 'draft-7', io: 'input' }) as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  return { $schema, title, ...rest };
}

export function jsonSchemaText(kind: SchemaKind): string {
  return `${JSON.stringify(jsonSchema(kind), null, 2)}\n`;
}
