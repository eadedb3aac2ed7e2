import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { envSchema, readConfig } from '../../cli/config.ts';
import { loadDemoUnits } from '../../cli/units.ts';

/** Parses KEY=VALUE lines of a dotenv file (comments and blanks skipped). */
const parseEnvFile = (text: string) =>
  Object.fromEntries(
    text
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );

/** The message of the CONFIG_INVALID error `env` gives (fails the test when it parses). */
const failure = (env: Record<string, string>, options?: Parameters<typeof readConfig>[1]): string => {
  try {
    readConfig(env, options);
  } catch (err) {
    expect((err as { code?: string }).code).toBe('CONFIG_INVALID');
    return (err as Error).message;
  }
  throw new Error(`${JSON.stringify(env)} was accepted`);
};

describe('configuration', () => {
  it('.env.example parses with the schema and lists every variable', () => {
    const text = readFileSync(new URL('../../.env.example', import.meta.url), 'utf8');
    expect(() => readConfig(parseEnvFile(text))).not.toThrow();
    for (const key of Object.keys(envSchema.shape)) expect(text, key).toContain(key);
  });

  it('.env.example with its commented values set parses too (they are examples of valid values)', () => {
    const text = readFileSync(new URL('../../.env.example', import.meta.url), 'utf8');
    const uncommented = text.replace(/^# ([A-Z_]+=\S*).*$/gm, '$1');
    const env = parseEnvFile(uncommented);
    delete env['EWS_UNITS_CSV']; // names a file that does not exist here
    expect(Object.keys(env).length).toBeGreaterThan(Object.keys(parseEnvFile(text)).length);
    expect(() => readConfig(env)).not.toThrow();
  });

  it('defaults run the embedded pipeline; the result is frozen and compiled', () => {
    const c = readConfig({});
    expect(c).toMatchObject({ PORT: 8080, EWS_DATA_DIR: './data', EWS_EARS_METHOD: 'C2', EWS_EARS_ALPHA: 0.001 });
    expect(c.CLICKHOUSE_URL).toBeUndefined();
    expect(Object.isFrozen(c)).toBe(true);
    expect(c.EWS_DETECTORS).toEqual([
      { algorithm: 'ears', granularity: 'day', area: 'commune', syndromes: undefined },
      { algorithm: 'noufaily', granularity: 'week', area: 'province', syndromes: undefined },
    ]);
    expect(Object.isFrozen(c.EWS_DETECTORS)).toBe(true);
    expect(c.units).toEqual(loadDemoUnits());
    expect(Object.isFrozen(c.units)).toBe(true);
    expect(Object.isFrozen(c.units[0])).toBe(true);
    expect(Object.isFrozen(c.EWS_DETECTORS[0])).toBe(true);
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ CLICKHOUSE_URL: 'not a url' }, 'CLICKHOUSE_URL'],
    [{ CLICKHOUSE_URL: 'ftp://db.example.org' }, 'CLICKHOUSE_URL'],
    [{ EWS_WEBHOOK_URL: 'mailto:officer@example.org' }, 'EWS_WEBHOOK_URL'],
    [{ EWS_EARS_METHOD: 'C4' }, 'EWS_EARS_METHOD'],
    [{ EWS_PSEUDONYM_KEY: 'short' }, 'EWS_PSEUDONYM_KEY'],
    [{ EWS_EARS_ALPHA: '2' }, 'EWS_EARS_ALPHA'],
    [{ EWS_SCAN: 'maybe' }, 'EWS_SCAN'],
    [{ EWS_DETECTORS: 'bogus@x' }, 'EWS_DETECTORS'],
    [{ EWS_DETECTORS: 'essence@week/commune' }, 'EWS_DETECTORS'],
    [{ EWS_DETECTORS: 'ears@day/commune:scurvy' }, 'EWS_DETECTORS'],
    [{ EWS_DETECTORS: ',' }, 'EWS_DETECTORS'],
    [{ EWS_DETECT_CRON: 'every morning' }, 'EWS_DETECT_CRON'],
    [{ EWS_DETECT_WEEKLY_CRON: '0 25 * * 1' }, 'EWS_DETECT_WEEKLY_CRON'],
    [{ EWS_UNITS_CSV: '/nonexistent/units.csv' }, 'EWS_UNITS_CSV'],
  ])('a bad value stops start-up with one line naming the variable (%o)', (env, name) => {
    const message = failure(env);
    expect(message).toMatch(new RegExp(`${name}: `));
    expect(message).not.toContain('\n');
  });

  it('a units CSV that does not parse is refused at start, naming the variable and the line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ews-config-'));
    const file = join(dir, 'units.csv');
    writeFileSync(file, 'code,name\n07210,Bắc Giang\n');
    expect(failure({ EWS_UNITS_CSV: file })).toMatch(/EWS_UNITS_CSV: cannot load '.*units\.csv': units CSV line 1/);
    expect(failure({ EWS_UNITS_CSV: dir })).toMatch(/EWS_UNITS_CSV: .*is a directory/);
  });

  it('a good units CSV is loaded once, into the compiled config', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ews-config-'));
    const file = join(dir, 'units.csv');
    const bundled = readFileSync(new URL('../../schemas/units/demo-units.csv', import.meta.url), 'utf8')
      .trimEnd()
      .split('\n');
    writeFileSync(file, bundled.slice(0, 4).join('\n') + '\n');
    expect(readConfig({ EWS_UNITS_CSV: file }).units).toHaveLength(3);
  });

  it('parses detector specs into the plan the pipeline builds from', () => {
    expect(readConfig({ EWS_DETECTORS: ' essence@day/province , noufaily@week/commune:dengue+hfmd' }).EWS_DETECTORS).toEqual([
      { algorithm: 'essence', granularity: 'day', area: 'province', syndromes: undefined },
      { algorithm: 'noufaily', granularity: 'week', area: 'commune', syndromes: ['dengue', 'hfmd'] },
    ]);
  });

  it('accepts valid cron expressions', () => {
    expect(readConfig({ EWS_DETECT_CRON: '30 5 * * *', EWS_DETECT_WEEKLY_CRON: '0 7 * * mon' })).toMatchObject({
      EWS_DETECT_CRON: '30 5 * * *',
      EWS_DETECT_WEEKLY_CRON: '0 7 * * mon',
    });
  });

  it('several bad values are named on the same line', () => {
    const message = failure({ PORT: '-1', EWS_EARS_METHOD: 'C9' });
    expect(message).toMatch(/PORT: .*; EWS_EARS_METHOD: /);
    expect(message).not.toContain('\n');
  });

  it('a role other than all needs Kafka and the provincial pseudonym key', () => {
    const key = 'k'.repeat(32);
    expect(failure({ KAFKA_BROKERS: '127.0.0.1:9092' }, { role: 'ingest' })).toMatch(/EWS_PSEUDONYM_KEY: --role ingest needs/);
    expect(failure({ EWS_PSEUDONYM_KEY: key }, { role: 'processor' })).toMatch(/KAFKA_BROKERS: --role processor needs/);
    expect(readConfig({ KAFKA_BROKERS: '127.0.0.1:9092', EWS_PSEUDONYM_KEY: key }, { role: 'ingest' }).EWS_PSEUDONYM_KEY).toBe(key);
    // One process with all roles may make its own key (kept in its data directory).
    expect(readConfig({}, { role: 'all' }).EWS_PSEUDONYM_KEY).toBeUndefined();
  });

  it('treats an empty value as unset', () => {
    expect(readConfig({ CLICKHOUSE_URL: '' }).CLICKHOUSE_URL).toBeUndefined();
  });
});
