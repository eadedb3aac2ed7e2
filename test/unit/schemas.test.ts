import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { JSON_SCHEMA_DIR, renderJsonSchemas } from '../../cli/schemas.ts';
import { hospitalEventV1 } from '../../schemas/events.ts';
import { encounter, lab } from '../helpers/pipeline.ts';

describe('event contract', () => {
  it('the committed JSON Schema export matches the zod schemas (run npm run schemas:export)', () => {
    for (const [name, text] of Object.entries(renderJsonSchemas())) {
      expect(readFileSync(new URL(name, JSON_SCHEMA_DIR), 'utf8'), name).toBe(text);
    }
  });

  it.each([
    ['encounter', encounter()],
    ['encounter with complaint only', encounter({ diagnoses: [], chief_complaint: 'sốt, ho' })],
    ['encounter without optional fields', (({ age_years: _a, ...rest }) => rest)(encounter())],
    ['lab', lab()],
  ])('golden valid example: %s', (_n, ev) => {
    expect(hospitalEventV1.safeParse(ev).success).toBe(true);
  });

  it.each([
    ['lab with diagnoses', lab({ diagnoses: ['A90'] })],
    ['encounter with test_code', encounter({ test_code: '75377-2' })],
    ['no schema', (({ schema: _s, ...rest }) => rest)(encounter())],
  ])('golden invalid example: %s', (_n, ev) => {
    expect(hospitalEventV1.safeParse(ev).success).toBe(false);
  });
});
