import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDeframer, frame, FS, CR, VT } from '../../../ingest/hl7/mllp-framing.ts';
import { mapHl7, securityOf } from '../../../ingest/hl7/hl7-map.ts';
import { buildAck } from '../../../ingest/hl7/hl7-ack.ts';
import { redactHl7, REDACTED } from '../../../ingest/hl7/hl7-redact.ts';
import { hl7DateTime, unescapeHl7, escapeHl7, ageOn } from '../../../ingest/hl7/hl7-text.ts';
import { adt } from '../../helpers/hl7.ts';

const FIXTURES = join(import.meta.dirname, '../../fixtures/hl7');

/** What a golden file holds of a mapping: the events, or each error's path and 0357 code. */
function goldenOf(text: string) {
  const m = mapHl7(text);
  if (m.kind === 'unparseable') return { kind: m.kind };
  return {
    kind: m.kind,
    ...(m.kind === 'events' ? { events: m.events } : {}),
    errors: m.errors.map((e) => ({ path: e.path, sequence: e.sequence, code: e.code })),
  };
}

describe('HL7 mapping golden files (test/fixtures/hl7/*.hl7 → *.json)', () => {
  const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.hl7'));
  it('has valid and invalid messages of each kind', () => {
    for (const k of ['adt-a01', 'adt-a03', 'adt-a04', 'adt-a08', 'oru-r01']) expect(files.some((f) => f.startsWith(k))).toBe(true);
    expect(files.length).toBeGreaterThanOrEqual(12);
  });
  for (const f of files) {
    it(f, () => {
      const text = readFileSync(join(FIXTURES, f), 'utf8').replaceAll('\n', '\r');
      const golden = join(FIXTURES, f.replace(/\.hl7$/, '.json'));
      const got = goldenOf(text);
      if (process.env['UPDATE_GOLDEN'] === '1' || !existsSync(golden)) writeFileSync(golden, JSON.stringify(got, null, 2) + '\n');
      expect(got).toEqual(JSON.parse(readFileSync(golden, 'utf8')));
    });
  }
});

describe('MLLP deframer', () => {
  const msg = (s: string) => frame(s);
  const cases: { name: string; chunks: Buffer[]; messages: string[]; junk?: number; oversize?: number; pending?: number }[] = [
    { name: 'one frame', chunks: [msg('A')], messages: ['A'] },
    { name: 'two frames in one chunk', chunks: [Buffer.concat([msg('A'), msg('B')])], messages: ['A', 'B'] },
    { name: 'split byte by byte', chunks: [...msg('HELLO')].map((b) => Buffer.of(b)), messages: ['HELLO'] },
    { name: 'FS at a chunk end, CR in the next', chunks: [Buffer.from([VT, 65, FS]), Buffer.from([CR])], messages: ['A'] },
    { name: 'a lone FS inside a message', chunks: [Buffer.from([VT, 65, FS, 66, FS, CR])], messages: ['A\x1cB'] },
    { name: 'junk before the frame', chunks: [Buffer.concat([Buffer.from('xx\r\n'), msg('A')])], messages: ['A'], junk: 4 },
    { name: 'a frame not ended', chunks: [Buffer.from([VT, 65, 66])], messages: [], pending: 2 },
    { name: 'an oversize frame refused, the next read', chunks: [msg('x'.repeat(50)), msg('ok')], messages: ['ok'], oversize: 50 },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const d = createDeframer(20);
      const events = c.chunks.flatMap((ch) => d.push(ch));
      expect(events.filter((e) => e.kind === 'message').map((e) => e.bytes.toString('latin1'))).toEqual(c.messages);
      expect(events.filter((e) => e.kind === 'junk').reduce((n, e) => n + e.bytes, 0)).toBe(c.junk ?? 0);
      const over = events.find((e) => e.kind === 'oversize');
      expect(over?.bytes).toBe(c.oversize);
      expect(d.pending()).toBe(c.pending ?? 0);
    });
  }
});

describe('HL7 text', () => {
  it.each([
    ['a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f', 'a|b^c&d~e\\f'],
    ['line\\.br\\two', 'line\ntwo'],
    ['\\XC3A1\\', 'á'],
    ['\\H\\bold\\N\\', 'bold'],
    ['no escape', 'no escape'],
  ])('unescapes %s', (input, out) => expect(unescapeHl7(input)).toBe(out));
  it('escape round-trips', () => expect(unescapeHl7(escapeHl7('a|b^c&d~e\\f'))).toBe('a|b^c&d~e\\f'));
  it.each([
    ['20261120', '2026-11-20T00:00:00+07:00'],
    ['202611200915', '2026-11-20T09:15:00+07:00'],
    ['20261120091530.123', '2026-11-20T09:15:30+07:00'],
    ['20261120091530-0500', '2026-11-20T09:15:30-05:00'],
    ['20261120091530+0000', '2026-11-20T09:15:30Z'],
  ])('DTM %s', (input, iso) => expect(hl7DateTime(input)?.iso).toBe(iso));
  it.each(['2026', '20261320', '20260230', '2026-11-20', '20261120256000', 'x'])('refuses DTM %s', (input) =>
    expect(hl7DateTime(input)).toBeUndefined(),
  );
  it('age on a day', () => {
    expect(ageOn({ year: 1990, month: 3, day: 15 }, { year: 2026, month: 3, day: 14 })).toBe(35);
    expect(ageOn({ year: 1990, month: 3, day: 15 }, { year: 2026, month: 3, day: 15 })).toBe(36);
  });
});

describe('ACK builder', () => {
  const m = mapHl7(adt({ control: 'CTRL-9', facility: 'BV-A' }));
  if (m.kind === 'unparseable') throw new Error('fixture');
  it.each(['AA', 'AE', 'AR'] as const)('%s: MSH swapped, MSA-2 the control id, ERR per error', (code) => {
    const ack = buildAck({
      header: m.header,
      code,
      text: 'why | not',
      errors: code === 'AA' ? [] : [{ segment: 'PID', sequence: 1, field: 7, code: 102, message: 'bad ^ date' }],
      now: Date.parse('2026-11-20T02:00:00Z'),
      controlId: 'ACK1',
    });
    const [msh, msa, err] = ack.split('\r');
    expect(msh).toBe('MSH|^~\\&|EWS|SO-YT|HIS|BV-A|20261120090000+0700||ACK^A04^ACK|ACK1|P|2.5.1');
    expect(msa).toBe(`MSA|${code}|CTRL-9|why \\F\\ not`);
    if (code === 'AA') expect(err).toBe('');
    else expect(err).toBe('ERR||PID^1^7|102^Data type error^HL70357|E||||bad \\S\\ date');
  });
  it('an ACK without a header (unparseable message) is still an HL7 ACK', () => {
    const ack = buildAck({ header: undefined, code: 'AR', text: 'x', errors: [{ code: 100, message: 'no MSH' }], now: 0, controlId: 'A' });
    expect(ack).toMatch(/^MSH\|\^~\\&\|EWS\|EWS\|\|\|/);
    expect(ack).toMatch(/\rMSA\|AR\|\|x\r/);
  });
});

describe('HL7 redactor', () => {
  const text =
    adt({ key: 'ews_hk_secret', mrn: 'MRN-SECRET', name: 'Nguyen^Secret', phone: '0912345678' }) + '\rNK1|1|Le^Mother|MTH||0987654321';
  const red = redactHl7(text);
  it.each(['ews_hk_secret', 'MRN-SECRET', 'Secret', '0912345678', '0987654321', '12 Tran Phu', 'Mother'])('removes %s', (needle) => {
    expect(text).toContain(needle);
    expect(red).not.toContain(needle);
  });
  it('keeps what the mapping reads and marks what it removed', () => {
    for (const kept of ['19900315', '|M|', '09187', 'Bac Ninh', 'A90', 'sốt cao', 'PV1|1|E']) expect(red).toContain(kept);
    expect(red).toContain(REDACTED);
    expect(mapHl7(red).kind).not.toBe('unparseable');
  });
  it.each([
    ['the MRN written into the chief complaint', 'BN MRN-SECRET sốt cao', 'MRN-SECRET'],
    ['the family name written into the chief complaint', 'Nguyen sốt cao', 'Nguyen'],
    ["the next of kin's name in a note", 'sốt cao, mẹ Mother đưa đến', 'Mother'],
  ])('replaces %s by [patient] (no field rule reaches free text)', (_what, complaint, needle) => {
    const msg = adt({ mrn: 'MRN-SECRET', name: 'Nguyen^Secret', complaint }) + '\rNK1|1|Le^Mother|MTH||0987654321';
    const out = redactHl7(msg);
    expect(out).not.toContain(needle);
    expect(out).toContain('[patient]');
    expect(out).toContain('sốt cao');
  });
  it('leaves the assigning authority of an identifier (the hospital in PID-3.4) and short words alone', () => {
    const out = redactHl7(adt({ facility: 'BV-A', mrn: 'MRN-SECRET', name: 'Le^An' }));
    expect(out).toContain('|BV-A|');
    expect(out).toContain('sốt cao');
  });
  it('reads MSH-8 as the key', () => {
    expect(securityOf(text)).toBe('ews_hk_secret');
    expect(securityOf(adt({}))).toBeUndefined();
    expect(securityOf('garbage')).toBeUndefined();
  });
});
