import { describe, expect, it } from 'vitest';
import { scrubBytes, scrubText } from '../../ingest/scrub.ts';
import { classifyEncounter } from '../../processors/classify/index.ts';

// [text, patient id or undefined, expected]
const replaced: [string, string | undefined, string][] = [
  ['sốt, gọi 0912345678', undefined, 'sốt, gọi [phone]'],
  ['SĐT 0912 345 678 (mẹ)', undefined, 'SĐT [phone] (mẹ)'],
  ['ĐT:0912.345.678', undefined, 'ĐT:[phone]'],
  ['lh 091-234-5678.', undefined, 'lh [phone].'],
  ['+84912345678', undefined, '[phone]'],
  ['+84 912 345 678 gọi lại', undefined, '[phone] gọi lại'],
  ['+84 91-234-5678', undefined, '[phone]'],
  ['bàn 024 3825 1234', undefined, 'bàn [phone]'],
  ['024.3825.1234', undefined, '[phone]'],
  ['0912345678 sốt 3 ngày', undefined, '[phone] sốt 3 ngày'],
  ['0912 345 678 3 ngày', undefined, '[phone] 3 ngày'],
  ['số 0912345678, 0987654321', undefined, 'số [phone], [phone]'],
  ['CCCD 079201012345', undefined, 'CCCD [id]'],
  ['CCCD:079201012345.', undefined, 'CCCD:[id].'],
  ['CMND 024123456 cấp 2010', undefined, 'CMND [id] cấp 2010'],
  ['cmnd 271234567', undefined, 'cmnd [id]'],
  ['email nguyen.van.a@gmail.com.vn, ho', undefined, 'email [email], ho'],
  ['a_b+c@benhvien-hn.vn', undefined, '[email]'],
  ['BN PATIENT-123 sốt', 'PATIENT-123', 'BN [patient] sốt'],
  ['mã BN: HN2026-0042, sốt', 'HN2026-0042', 'mã BN: [patient], sốt'],
  ['BN 123456 (123456)', '123456', 'BN [patient] ([patient])'],
  ['pid 12345678901 ho', '12345678901', 'pid [patient] ho'],
];

// Text that must come out unchanged: numbers that matter to classification or are not identifiers.
const kept: [string, string | undefined][] = [
  ['sốt 39.5 độ', undefined],
  ['sốt 39,5°C, 3 ngày', undefined],
  ['sốt 3 ngày, tiêu chảy 5 lần/ngày', undefined],
  ['trẻ 2 tuổi, 12 kg', undefined],
  ['khởi phát 2026-07-01, nhập viện 2026-07-03', undefined],
  ['từ 01/07/2026 đến 03/07/2026', undefined],
  ['từ 01.07.2026 08:30', undefined],
  ['01-07-2026 08 giờ', undefined],
  ['A09.0, J11.1, A90', undefined],
  ['mạch 110 lần/phút, HA 90/60 mmHg, SpO2 95%', undefined],
  ['tiểu cầu 120000, bạch cầu 4500', undefined],
  ['tiểu cầu 120.000/mm3 ngày 2026-07-02', undefined],
  ['1234567890', undefined], // ten digits, no 0 or +84: neither phone nor CMND/CCCD
  ['12345678901', undefined], // eleven digits
  ['09123456789012', undefined], // fourteen digits
  ['@ nhà', undefined],
  ['sốt 39 độ, BN 39', '39'], // ids shorter than 4 are not searched for
  ['BNX1234 sốt', 'X123'], // only whole words
  ['', undefined],
];

describe('scrubText', () => {
  it.each(replaced)('%j (patient %j) → %j', (text, patient, expected) => {
    expect(scrubText(text, patient)).toBe(expected);
  });

  it.each(kept)('%j (patient %j) is kept', (text, patient) => {
    expect(scrubText(text, patient)).toBe(text);
  });

  it('scrubs identifiers at any place of a long text', () => {
    const text = `${'ho, sốt; '.repeat(100)}0912345678 ${'đau họng '.repeat(100)}a@b.vn`;
    const out = scrubText(text);
    expect(out).not.toMatch(/0912345678|a@b\.vn/);
    expect(out).toContain('[phone]');
    expect(out).toContain('[email]');
  });
});

// The classifier must read a scrubbed complaint as it reads the complaint without identifiers.
const complaints: [string, string][] = [
  ['sốt xuất huyết ngày 3', 'dengue'],
  ['tiêu chảy 5 lần', 'acute_diarrhoea'],
  ['ho, sốt 39.5, đau họng', 'ili'],
  ['tay chân miệng độ 2a', 'hfmd'],
  ['sốt, phát ban, chảy nước mũi', 'measles_rubella'],
  ['sốt cao, li bì', 'meningitis_encephalitis'],
  ['sot xuat huyet', 'dengue'],
];
const identifiers = ['gọi 0912 345 678', 'CCCD 079201012345', 'CMND 024123456', 'mẹ: me.be@gmail.com', 'BN P-99887'];

describe('scrubbed complaints classify alike', () => {
  it.each(complaints)('%j', (complaint, syndrome) => {
    const plain = classifyEncounter({ setting: 'outpatient', diagnoses: [], chief_complaint: complaint });
    expect(plain).toContain(syndrome);
    for (const id of identifiers) {
      for (const text of [`${complaint}, ${id}`, `${id}; ${complaint}`]) {
        const scrubbed = scrubText(text, 'P-99887');
        expect(scrubbed).not.toMatch(/0912|079201012345|024123456|gmail|P-99887/);
        expect(classifyEncounter({ setting: 'outpatient', diagnoses: [], chief_complaint: scrubbed })).toEqual(plain);
      }
    }
  });
});

describe('scrubBytes', () => {
  const text = (b: Uint8Array) => Buffer.from(b).toString('latin1');

  it('masks patient_id values and the text patterns, keeping other bytes as they are', () => {
    const body = Buffer.concat([
      Buffer.from('{"patient_id" : "PAT\\"1", "x": "0912345678 ', 'utf8'),
      Buffer.from([0xff, 0xc3, 0x28]),
      Buffer.from('"}\n{"patient_id":12345,"e":"a@b.vn"}\n{"patient_id": "cut sho', 'utf8'),
    ]);
    const out = scrubBytes(body);
    expect(text(out)).toBe(
      '{"patient_id" : "[patient]", "x": "[phone] \xff\xc3("}\n{"patient_id":"[patient]","e":"[email]"}\n{"patient_id": "[patient]"',
    );
  });

  it('masks the patient ids it names wherever else they appear', () => {
    const body = Buffer.from('[{"patient_id":"HN-0042","chief_complaint":"BN HN-0042 sot"},{"patient_id":"X1","c":"X1"}]');
    expect(text(scrubBytes(body))).toBe(
      '[{"patient_id":"[patient]","chief_complaint":"BN [patient] sot"},{"patient_id":"[patient]","c":"X1"}]',
    );
  });

  it('returns the same bytes when nothing is found', () => {
    const body = Buffer.from('{"event_id":"E1","chief_complaint":"sốt 39.5"}');
    expect(scrubBytes(body)).toBe(body);
  });
});
