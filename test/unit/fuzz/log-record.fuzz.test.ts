import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EVENT_COLUMNS, encodeBatch } from '../../../processors/count/count-batch.ts';
import { classifyEvent } from '../../../processors/classify/index.ts';
import { dayString, localDayNumber } from '../../../processors/count/window.ts';
import { parseLogRecord, parseTrustedLogRecord, type LogRecordParse } from '../../../schemas/topics.ts';
import { anyRecordValue, rfc3339, wellFormedRecord } from '../../helpers/log-record-arbitraries.ts';

/**
 * Property-based tests of the Kafka log-record parser and the count encoder: whatever a
 * producer writes, they never throw, and every record is either a row or refused with a reason.
 * fast-check prints the seed and the shrunk counterexample on failure (replay with `{ seed }`).
 */
const RUNS = 10_000;
const CODES = ['RECORD_UNREADABLE', 'RECORD_INVALID'];

function wellFormedAnswer(r: LogRecordParse): boolean {
  if (r.ok) return typeof r.record === 'object' && r.record !== null;
  return CODES.includes(r.code) && typeof r.reason === 'string' && r.reason.length > 0;
}

/** Epoch ms of an encoded DateTime64(3) field (epoch seconds, or UTC `YYYY-MM-DD hh:mm:ss.sss`). */
function fieldMs(field: string): number {
  return /^\d+\.\d{3}$/.test(field) ? Math.round(Number(field) * 1000) : Date.parse(`${field.replace(' ', 'T')}Z`);
}

describe('log-record parser fuzz (parseLogRecord, parseTrustedLogRecord)', () => {
  it(`never throws and answers a record or a refusal with a reason (${RUNS} inputs)`, () => {
    fc.assert(
      fc.property(anyRecordValue, (text) => {
        const checked = parseLogRecord(text);
        const trusted = parseTrustedLogRecord(text);
        expect(wellFormedAnswer(checked)).toBe(true);
        expect(wellFormedAnswer(trusted)).toBe(true);
        // What the contract accepts is JSON, so the JSON-only read accepts it too.
        if (checked.ok) expect(trusted.ok).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it('keeps prototype keys as data, never on Object.prototype', () => {
    fc.assert(
      fc.property(anyRecordValue, (text) => {
        parseLogRecord(text);
        parseTrustedLogRecord(text);
        expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('encodeBatch fuzz', () => {
  it.each([false, true])(
    `never throws; rows + refused = records; each row's day is the local day of its time (trusted %s, ${RUNS} records at least)`,
    (trusted) => {
      let records = 0;
      fc.assert(
        fc.property(fc.array(anyRecordValue, { minLength: 1, maxLength: 8 }), (values) => {
          records += values.length;
          const input = values.map((value, offset) => ({ value, offset }));
          const out = encodeBatch(input, { classify: classifyEvent, trusted });
          expect(out.rows + out.refused.length).toBe(input.length);
          for (const r of out.refused) {
            expect(r.reason.length).toBeGreaterThan(0);
            expect(r.raw).toBe(input[r.offset]!.value);
          }
          const lines = out.tsv.length === 0 ? [] : out.tsv.toString('utf8').slice(0, -1).split('\n');
          // One record, one line: no field of any record can break the TabSeparated framing.
          expect(lines).toHaveLength(out.rows);
          const refusedOffsets = new Set(out.refused.map((r) => r.offset));
          const rowOffsets = input.filter((r) => !refusedOffsets.has(r.offset)).map((r) => r.offset);
          for (const [k, line] of lines.entries()) {
            const f = line.split('\t');
            expect(f).toHaveLength(EVENT_COLUMNS.length);
            const col = (name: string) => f[EVENT_COLUMNS.indexOf(name)]!;
            expect(Number(col('log_offset'))).toBe(rowOffsets[k]);
            const occurred = fieldMs(col('occurred_at'));
            expect(col('day')).toBe(dayString(localDayNumber(occurred)));
            // The stored instant is the record's own, to the millisecond.
            const event = (JSON.parse(input[rowOffsets[k]!]!.value) as { event: { occurred_at: string } }).event;
            expect(occurred).toBe(Date.parse(event.occurred_at));
            expect(col('day') >= '1970-01-01' && col('day') <= '2149-06-06').toBe(true);
          }
        }),
        { numRuns: Math.ceil(RUNS / 4) },
      );
      expect(records).toBeGreaterThanOrEqual(RUNS);
    },
  );

  it(`accepts a plausible well-formed record exactly when the contract does, and refuses only with RECORD_* codes (${RUNS} inputs)`, () => {
    fc.assert(
      fc.property(wellFormedRecord, (value) => {
        const out = encodeBatch([{ value, offset: 0 }], { classify: classifyEvent, trusted: false });
        if (!parseLogRecord(value).ok) expect(out.refused[0]?.code).toBe('RECORD_INVALID');
        if (out.rows === 1) expect(parseLogRecord(value).ok).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it('reads every RFC 3339 corner the contract admits exactly as Date.parse, or refuses it with the reason', () => {
    fc.assert(
      fc.property(rfc3339, (occurred_at) => {
        const value = JSON.stringify({
          event: {
            schema: 'ews.lab.v1',
            event_id: 'E',
            hospital_id: 'H',
            occurred_at,
            commune_code: '09187',
            patient_key: 'k',
            sex: 'male',
            test_code: '75377-6',
            result: 'positive',
          },
          received_at: occurred_at,
        });
        const out = encodeBatch([{ value, offset: 0 }], { classify: classifyEvent, trusted: true });
        const ms = Date.parse(occurred_at);
        if (out.rows === 1) {
          const f = out.tsv.toString('utf8').split('\t');
          expect(fieldMs(f[EVENT_COLUMNS.indexOf('occurred_at')]!)).toBe(ms);
        } else {
          expect(out.refused[0]!.reason).toMatch(/^(event\.occurred_at|received_at): /);
        }
      }),
      { numRuns: RUNS },
    );
  });
});
