import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { eventJsonSchemas } from '../schemas/events.ts';

export const JSON_SCHEMA_DIR = new URL('../schemas/json/', import.meta.url);

const HELP = `ews schemas — JSON Schema of the hospital event contract / JSON Schema của hợp đồng sự kiện bệnh viện

Usage / Cách dùng: ews schemas [--write]

Without options, prints the JSON Schemas of ews.encounter.v1 and ews.lab.v1 (from the zod
schemas in schemas/events.ts). --write regenerates the files in schemas/json/.`;

/** File name → JSON text of every published JSON Schema. */
export function renderJsonSchemas(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(eventJsonSchemas()).map(([name, schema]) => [`${name}.schema.json`, JSON.stringify(schema, null, 2) + '\n']),
  );
}

/** `ews schemas [--write]`: print or write the JSON Schema export of the event contract. */
export function runSchemas(argv: string[]): number {
  const { values } = parseArgs({ args: argv, options: { help: { type: 'boolean', short: 'h' }, write: { type: 'boolean' } } });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const files = renderJsonSchemas();
  if (!values.write) {
    process.stdout.write(JSON.stringify(eventJsonSchemas(), null, 2) + '\n');
    return 0;
  }
  mkdirSync(JSON_SCHEMA_DIR, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(new URL(name, JSON_SCHEMA_DIR), text);
  process.stderr.write(`wrote ${Object.keys(files).join(', ')} to schemas/json/\n`);
  return 0;
}
