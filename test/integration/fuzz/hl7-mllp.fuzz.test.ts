import fc from 'fast-check';
import { Hl7Message } from '@medplum/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPipeline, type TestPipeline } from '../../helpers/pipeline.ts';
import { adt, mllpClient, msa, oru } from '../../helpers/hl7.ts';
import { frame } from '../../../ingest/hl7/mllp-framing.ts';
import { mapHl7 } from '../../../ingest/hl7/hl7-map.ts';
import { redactHl7 } from '../../../ingest/hl7/hl7-redact.ts';

/**
 * Issue 12: generated HL7 messages (valid ones, valid ones with fields cut, swapped or
 * replaced by random text and bytes, random segments, no MSH) over real MLLP to a real
 * pipeline. Properties: every frame is answered with exactly one ACK, in order, that parses as
 * HL7 and carries MSA-1 AA/AE/AR; the listener never crashes. The pure mapper and redactor are
 * also run on FUZZ_RUNS inputs and never throw. FUZZ_RUNS (default 10,000) frames in all.
 */
const INPUTS = Number(process.env['FUZZ_RUNS'] ?? 10_000);
const SEED = process.env['FUZZ_SEED'] === undefined ? undefined : Number(process.env['FUZZ_SEED']);
const PER_RUN = 50;

let p: TestPipeline;
let key: string;
beforeAll(async () => {
  // The per-hospital HL7 limit off: 10,000 messages of one hospital should reach ingest, not an AR of the limit.
  p = await startTestPipeline({
    hospitals: ['BV-A'],
    env: { EWS_MLLP_PORT: '0', EWS_MLLP_MAX_MESSAGE_BYTES: '65536', EWS_INGEST_RATE_LIMIT_PER_MINUTE: '0' },
  });
  key = p.keys['BV-A']!;
}, 60_000);
afterAll(async () => {
  await p?.cleanup();
});

/** Text without the MLLP frame bytes (a 0x1C 0x0D inside would end the frame: another test's matter). */
// eslint-disable-next-line no-control-regex -- the MLLP frame bytes are what is removed
const noFrameBytes = (s: string) => s.replace(/[\x0b\x1c]/g, ' ');
const fieldText = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.constantFrom('', '^', '~', '\\', '&', '|', '\\F\\', '\\X00\\', '\\Xzz\\', '99999999', '2026', '-1', 'A90', '09187', 'E', 'M'),
  fc.string({ unit: 'binary', maxLength: 20 }),
);
const base = fc.oneof(
  fc
    .record({ visit: fc.string({ minLength: 1, maxLength: 12 }), trigger: fc.constantFrom('A01', 'A03', 'A04', 'A08', 'A02', 'R01', '') })
    .map((o) => adt({ ...o, key: 'KEY' })),
  fc.record({ order: fc.string({ maxLength: 8 }), value: fieldText, flag: fieldText }).map((o) => oru({ ...o, key: 'KEY' })),
);
const mutated = fc
  .tuple(base, fc.array(fc.tuple(fc.nat(12), fc.nat(60), fieldText), { maxLength: 6 }), fc.boolean())
  .map(([msg, edits, keepKey]) => {
    const segs = msg.split('\r').map((s) => s.split('|'));
    for (const [si, fi, v] of edits) {
      const seg = segs[si % segs.length]!;
      seg[fi % (seg.length + 2)] = v;
    }
    return { text: segs.map((s) => s.join('|')).join('\r'), keepKey };
  });
const anything = fc
  .oneof(fc.string({ maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 200 }))
  .map((text) => ({ text, keepKey: false }));
const input = fc
  .oneof({ weight: 6, arbitrary: mutated }, { weight: 1, arbitrary: anything })
  .map(({ text, keepKey }) => noFrameBytes(keepKey ? text.replace('|KEY|', `|${key}|`) : text));

describe('HL7 over MLLP, fuzzed', () => {
  it(`answers every one of ${INPUTS} frames with one ACK, in order`, async () => {
    let sent = 0;
    const runs = Math.ceil(INPUTS / PER_RUN);
    await fc.assert(
      fc.asyncProperty(fc.array(input, { minLength: PER_RUN, maxLength: PER_RUN }), async (messages) => {
        const c = await mllpClient(p.mllpPort!);
        try {
          await c.write(Buffer.concat(messages.map((m) => frame(m))));
          const acks = await c.waitFor(messages.length, 60_000);
          expect(acks).toHaveLength(messages.length);
          acks.forEach((ack) => {
            const parsed = Hl7Message.parse(ack);
            expect(parsed.header.getField(9).getComponent(1)).toBe('ACK');
            expect(['AA', 'AE', 'AR']).toContain(msa(ack).code);
          });
          sent += messages.length;
        } finally {
          await c.close();
        }
      }),
      { numRuns: runs, ...(SEED === undefined ? {} : { seed: SEED }), endOnFailure: true },
    );
    expect(sent).toBeGreaterThanOrEqual(INPUTS);
    // Still serving after all of it.
    const c = await mllpClient(p.mllpPort!);
    await c.send(adt({ key, visit: 'AFTER-FUZZ' }));
    expect(msa((await c.waitFor(1))[0]!).code).toBe('AA');
    await c.close();
  }, 1_200_000);

  it(`the mapper and the redactor never throw on ${INPUTS} inputs`, () => {
    fc.assert(
      fc.property(input, (text) => {
        const m = mapHl7(text);
        expect(['unparseable', 'refused', 'invalid', 'events']).toContain(m.kind);
        expect(typeof redactHl7(text)).toBe('string');
      }),
      { numRuns: INPUTS, ...(SEED === undefined ? {} : { seed: SEED }) },
    );
  });
});
