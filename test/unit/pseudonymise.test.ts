import { describe, expect, it } from 'vitest';
import { readConfig } from '../../cli/config.ts';
import { configuredKeyRing, createPseudonymiser, parseKeyRing, pseudonymsOf, singleKeyRing } from '../../ingest/pseudonymise.ts';

const A = 'a'.repeat(32);
const B = 'b:with-a-colon-'.padEnd(40, 'b');

describe('parseKeyRing', () => {
  it('reads id:secret entries, the first current; a secret may hold a colon', () => {
    const ring = parseKeyRing(`2026a:${A}, 2025b:${B}`);
    expect(ring.current.id).toBe('2026a');
    expect(ring.keys.map((k) => [k.id, k.secret.toString()])).toEqual([
      ['2026a', A],
      ['2025b', B],
    ]);
  });

  it.each([
    ['', /entry 1 must be id:secret/],
    [A, /entry 1 must be id:secret/],
    [`:${A}`, /entry 1 must be id:secret/],
    [`too-long-id-123456:${A}`, /entry 1 must be id:secret/],
    [`x_y:${A}`, /entry 1 must be id:secret/],
    [`k1:${A},k2:short`, /secret of key k2 must be at least 32/],
    [`k1:${A},k1:${B}`, /key id k1 is given twice/],
    [`k1:${A},`, /entry 2 must be id:secret/],
  ])('refuses %j', (text, why) => {
    expect(() => parseKeyRing(text)).toThrow(why);
  });
});

describe('pseudonyms under a key ring', () => {
  it('are <key id>:<32 hex>, scoped by hospital, and differ between keys', () => {
    const p = createPseudonymiser(parseKeyRing(`2026a:${A},2025b:${B}`));
    expect(p('H1', 'P1')).toMatch(/^2026a:[0-9a-f]{32}$/);
    expect(p('H1', 'P1')).toBe(p('H1', 'P1'));
    expect(p('H2', 'P1')).not.toBe(p('H1', 'P1'));
    expect(createPseudonymiser(parseKeyRing(`2025b:${B}`))('H1', 'P1').slice(6)).not.toBe(p('H1', 'P1').slice(6));
  });

  it('stay linkable across a rotation: pseudonymsOf gives every pseudonym under the ring', () => {
    const before = createPseudonymiser(parseKeyRing(`2025b:${B}`))('H1', 'P1');
    const rotated = parseKeyRing(`2026a:${A},2025b:${B}`);
    const after = createPseudonymiser(rotated)('H1', 'P1');
    const all = pseudonymsOf(rotated, 'H1', 'P1');
    expect(all[0]).toBe(after);
    expect(all).toContain(before);
    // Rows written before key ids (bare hex) are found too.
    expect(all).toContain(before.slice('2025b:'.length));
    // Another patient's pseudonym is not among them (the check can fail).
    expect(all).not.toContain(createPseudonymiser(parseKeyRing(`2025b:${B}`))('H1', 'P2'));
  });

  it('EWS_PSEUDONYM_KEY is a ring of one key with id k1', () => {
    const ring = configuredKeyRing({ EWS_PSEUDONYM_KEY: A });
    expect(ring).toEqual(singleKeyRing(Buffer.from(A)));
    expect(createPseudonymiser(ring!)('H', 'P')).toBe(createPseudonymiser(parseKeyRing(`k1:${A}`))('H', 'P'));
    expect(configuredKeyRing({})).toBeUndefined();
  });
});

describe('EWS_PSEUDONYM_KEYS in the configuration', () => {
  const failure = (env: Record<string, string>, role?: 'ingest') => {
    try {
      readConfig(env, role ? { role } : {});
      return '';
    } catch (err) {
      return (err as Error).message;
    }
  };

  it('is checked, naming the variable and the entry', () => {
    expect(failure({ EWS_PSEUDONYM_KEYS: `2026a:short` })).toMatch(/EWS_PSEUDONYM_KEYS: the secret of key 2026a must be at least 32/);
    expect(failure({ EWS_PSEUDONYM_KEYS: `a b:${A}` })).toMatch(/EWS_PSEUDONYM_KEYS: entry 1 must be id:secret/);
    expect(failure({ EWS_PSEUDONYM_KEYS: `k:${A}`, EWS_PSEUDONYM_KEY: A })).toMatch(
      /EWS_PSEUDONYM_KEYS: set EWS_PSEUDONYM_KEYS or EWS_PSEUDONYM_KEY, not both/,
    );
  });

  it('stands for the provincial key of a role other than all', () => {
    expect(failure({ KAFKA_BROKERS: '127.0.0.1:9092' }, 'ingest')).toMatch(/EWS_PSEUDONYM_KEY: --role ingest needs the provincial key/);
    expect(readConfig({ KAFKA_BROKERS: '127.0.0.1:9092', EWS_PSEUDONYM_KEYS: `2026a:${A}` }, { role: 'ingest' }).EWS_PSEUDONYM_KEYS).toBe(
      `2026a:${A}`,
    );
  });
});
