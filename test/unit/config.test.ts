import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configSchema, readConfig } from '../../cli/config.ts';

/** Parses KEY=VALUE lines of a dotenv file (comments and blanks skipped). */
const parseEnvFile = (text: string) =>
  Object.fromEntries(
    text
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );

describe('configuration', () => {
  it('.env.example parses with the schema and lists every variable', () => {
    const text = readFileSync(new URL('../../.env.example', import.meta.url), 'utf8');
    expect(() => readConfig(parseEnvFile(text))).not.toThrow();
    for (const key of Object.keys(configSchema.shape)) expect(text, key).toContain(key);
  });

  it('defaults run the embedded pipeline', () => {
    const c = readConfig({});
    expect(c).toMatchObject({ PORT: 8080, EWS_DATA_DIR: './data', EWS_EARS_METHOD: 'C2', EWS_EARS_ALPHA: 0.001 });
    expect(c.CLICKHOUSE_URL).toBeUndefined();
    expect(Object.isFrozen(c)).toBe(true);
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ CLICKHOUSE_URL: 'not a url' }, 'CLICKHOUSE_URL'],
    [{ EWS_EARS_METHOD: 'C4' }, 'EWS_EARS_METHOD'],
    [{ EWS_PSEUDONYM_KEY: 'short' }, 'EWS_PSEUDONYM_KEY'],
    [{ EWS_EARS_ALPHA: '2' }, 'EWS_EARS_ALPHA'],
  ])('a bad value stops start-up naming the variable (%o)', (env, name) => {
    expect(() => readConfig(env)).toThrow(new RegExp(`${name}:`));
  });

  it('treats an empty value as unset', () => {
    expect(readConfig({ CLICKHOUSE_URL: '' }).CLICKHOUSE_URL).toBeUndefined();
  });
});
