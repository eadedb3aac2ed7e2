import { describe, expect, it } from 'vitest';
import { parseInboundRoutes } from '../../ingest/kafka-inbound/inbound-config.ts';
import { fhirExpected, planRecord } from '../../ingest/kafka-inbound/inbound-plan.ts';
import { readConfig } from '../../cli/config.ts';

describe('KAFKA_INBOUND_HOSPITALS: one topic per hospital', () => {
  const cases: [string, { hospital: string; topic: string }[] | RegExp][] = [
    ['', []],
    ['BV-A', [{ hospital: 'BV-A', topic: 'ews.inbound.v1.BV-A' }]],
    [
      ' BV-A , BV-B=mirth.bvb.out ,',
      [
        { hospital: 'BV-A', topic: 'ews.inbound.v1.BV-A' },
        { hospital: 'BV-B', topic: 'mirth.bvb.out' },
      ],
    ],
    // Two topics for one hospital are fine (an engine per department); a repeated entry is one route.
    [
      'BV-A,BV-A=a.second,BV-A',
      [
        { hospital: 'BV-A', topic: 'ews.inbound.v1.BV-A' },
        { hospital: 'BV-A', topic: 'a.second' },
      ],
    ],
    ['BV-A=shared,BV-B=shared', /named for two hospitals, 'BV-A' and 'BV-B'/],
    ['Bệnh viện A', /cannot be a topic name.*name its topic/],
    ['Bệnh viện A=ews.inbound.v1.bva', [{ hospital: 'Bệnh viện A', topic: 'ews.inbound.v1.bva' }]],
    ['BV-A=bad topic', /topic 'bad topic' must be/],
    ['=t1', /hospital id must be 1–64/],
    [`${'H'.repeat(65)}`, /hospital id must be 1–64/],
    ['BV\u0001A=t', /control characters/],
  ];
  it.each(cases)('%j', (text, want) => {
    const r = parseInboundRoutes(text);
    if (want instanceof RegExp) {
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.message).toMatch(want);
    } else expect(r).toEqual({ ok: true, routes: want });
  });

  it('is compiled at start: a bad value, or inbound without Kafka, stops start naming the variable', () => {
    expect(() => readConfig({ KAFKA_INBOUND_HOSPITALS: 'BV-A=x y' })).toThrow(/KAFKA_INBOUND_HOSPITALS/);
    expect(() => readConfig({ KAFKA_INBOUND_HOSPITALS: 'BV-A' })).toThrow(/KAFKA_INBOUND_HOSPITALS.*KAFKA_BROKERS/);
    expect(() =>
      readConfig({ KAFKA_BROKERS: '127.0.0.1:9092', KAFKA_INBOUND_HOSPITALS: 'BV-A', KAFKA_INBOUND_GROUP: 'ews-processors' }),
    ).toThrow(/KAFKA_INBOUND_GROUP/);
    const c = readConfig({ KAFKA_BROKERS: '127.0.0.1:9092', KAFKA_INBOUND_HOSPITALS: 'BV-A' });
    expect(c.KAFKA_INBOUND_HOSPITALS).toEqual([{ hospital: 'BV-A', topic: 'ews.inbound.v1.BV-A' }]);
    expect(c.KAFKA_INBOUND_GROUP).toBe('ews-inbound');
    expect(c.KAFKA_INBOUND_CONSUMERS).toBe(1);
  });
});

describe('an inbound record’s headers: the format, and never another hospital', () => {
  const cases: [Record<string, string>, string | { format: string; contentType: string }][] = [
    [{ 'ews-format': 'ews-json' }, { format: 'ews-json', contentType: 'application/json' }],
    [
      { 'ews-format': 'EWS-JSON ', 'content-type': 'application/x-ndjson' },
      { format: 'ews-json', contentType: 'application/x-ndjson' },
    ],
    [{ 'ews-format': 'fhir-r4' }, { format: 'fhir-r4', contentType: '' }],
    [
      { 'ews-format': 'hl7v2', 'ews-hospital': 'BV-A' },
      { format: 'hl7v2', contentType: '' },
    ],
    [{ 'content-type': 'application/fhir+json; charset=utf-8' }, { format: 'fhir-r4', contentType: 'application/fhir+json' }],
    [{ 'content-type': 'x-application/hl7-v2+er7' }, { format: 'hl7v2', contentType: 'x-application/hl7-v2+er7' }],
    [{ 'content-type': 'application/x-ndjson' }, { format: 'ews-json', contentType: 'application/x-ndjson' }],
    [{}, 'UNSUPPORTED_MEDIA_TYPE'],
    [{ 'ews-format': 'csv' }, 'UNSUPPORTED_MEDIA_TYPE'],
    [{ 'content-type': 'text/csv' }, 'UNSUPPORTED_MEDIA_TYPE'],
    // A header naming another hospital is refused whatever the format says; so is an empty one.
    [{ 'ews-format': 'ews-json', 'ews-hospital': 'BV-B' }, 'HOSPITAL_MISMATCH'],
    [{ 'ews-format': 'ews-json', 'ews-hospital': '' }, 'HOSPITAL_MISMATCH'],
    [{ 'ews-format': 'ews-json', 'ews-hospital': 'bv-a' }, 'HOSPITAL_MISMATCH'],
  ];
  it.each(cases)('%j', (headers, want) => {
    const plan = planRecord(headers, 'BV-A');
    if (typeof want === 'string') {
      expect(plan.ok).toBe(false);
      if (!plan.ok) {
        expect(plan.reason_code).toBe(want);
        expect(plan.reason).toMatch(want === 'HOSPITAL_MISMATCH' ? /ews-hospital.*BV-A/ : /ews-format/);
      }
    } else expect(plan).toEqual({ ok: true, ...want });
  });

  it.each([
    [{ resourceType: 'Bundle' }, 'Bundle'],
    [{ resourceType: 'Encounter' }, 'Encounter'],
    [{ resourceType: 'Observation' }, 'Observation'],
    [{ resourceType: 'Patient' }, 'Bundle'],
    [undefined, 'Bundle'],
    [[1], 'Bundle'],
  ])('the FHIR route of %j is %s', (value, want) => expect(fhirExpected(value)).toBe(want));
});
