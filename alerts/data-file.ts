import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { z } from 'zod';
import { AppError } from '../platform/errors.ts';

/**
 * The configuration files of the alert room (officers, rules): YAML or JSON (JSON is YAML)
 * text validated by a zod schema. Every problem is named by its path, e.g.
 * `rules file: rules[3].threshold: must be ≥ 1`, and all of them are thrown together as one
 * AppError CONFIG_INVALID, so start-up stops with the whole list.
 */
export function parseDataFile<S extends z.ZodType>(what: string, text: string, schema: S): z.output<S> {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (e) {
    const where = e instanceof YAMLParseError && e.linePos ? ` at line ${e.linePos[0].line}` : '';
    failDataFile(what, [`not valid YAML or JSON${where}: ${e instanceof Error ? (e.message.split('\n')[0] ?? '') : String(e)}`]);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    failDataFile(
      what,
      parsed.error.issues.map((i) =>
        i.code === 'unrecognized_keys'
          ? `${formatPath(i.path)}: unknown field${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => `"${k}"`).join(', ')}`
          : `${formatPath(i.path)}: ${i.message}`,
      ),
    );
  }
  return parsed.data;
}

/** Throws the file's problems as one CONFIG_INVALID (checks that follow the schema use it too). */
export function failDataFile(what: string, problems: readonly string[]): never {
  throw new AppError('CONFIG_INVALID', `${what}: ${problems.join('; ')}`, { details: { problems } });
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : `${out === '' ? '' : '.'}${String(p)}`;
  return out === '' ? '(file)' : out;
}
