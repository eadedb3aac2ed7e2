import { describe, expect, it } from 'vitest';
import { classifyEncounter, type EncounterInput } from '../../../processors/classify/index.ts';

const complaint = (text: string | undefined, extra: Partial<EncounterInput> = {}): readonly string[] =>
  classifyEncounter({ setting: 'outpatient', diagnoses: [], chief_complaint: text, ...extra });

// [with diacritics, without diacritics, expected]
const vietnamese: [string, string, string[]][] = [
  ['sốt xuất huyết', 'sot xuat huyet', ['dengue']],
  ['Sốt xuất huyết ngày 3', 'SOT XUAT HUYET NGAY 3', ['dengue']],
  ['nghi SXH', 'nghi sxh', ['dengue']],
  ['tiêu chảy', 'tieu chay', ['acute_diarrhoea']],
  ['đi ngoài phân lỏng 5 lần', 'di ngoai phan long 5 lan', ['acute_diarrhoea']],
  ['ỉa chảy, nôn', 'ia chay, non', ['acute_diarrhoea']],
  ['sốt', 'sot', ['fever_unspecified']],
  ['sốt cao 2 ngày', 'sot cao 2 ngay', ['fever_unspecified']],
  ['ho, sốt, đau họng', 'ho, sot, dau hong', ['ili']],
  ['sốt, ho', 'sot, ho', ['ili']],
  ['cúm A', 'cum a', ['ili']],
  ['tay chân miệng', 'tay chan mieng', ['hfmd']],
  ['trẻ bị TCM độ 2a', 'tre bi tcm do 2a', ['hfmd']],
  ['vàng da, vàng mắt', 'vang da, vang mat', ['jaundice_hepatitis']],
  ['viêm gan A', 'viem gan a', ['jaundice_hepatitis']],
  ['liệt mềm cấp chi dưới', 'liet mem cap chi duoi', ['afp']],
  ['cứng gáy', 'cung gay', ['meningitis_encephalitis']],
  ['sốt, co giật', 'sot, co giat', ['meningitis_encephalitis']],
  ['sốt cao, li bì', 'sot cao, li bi', ['meningitis_encephalitis']],
  ['viêm não Nhật Bản', 'viem nao nhat ban', ['meningitis_encephalitis']],
  ['sốt, phát ban, ho', 'sot, phat ban, ho', ['ili', 'measles_rubella']],
  ['sốt, phát ban, chảy nước mũi', 'sot, phat ban, chay nuoc mui', ['measles_rubella']],
  ['sốt, tiêu chảy', 'sot, tieu chay', ['acute_diarrhoea']],
  ['sốt, vàng da', 'sot, vang da', ['jaundice_hepatitis']],
  ['tiêu chảy, vàng da', 'tieu chay, vang da', ['acute_diarrhoea', 'jaundice_hepatitis']],
];

describe('Vietnamese chief complaints, with and without diacritics', () => {
  it.each(vietnamese)('%j → %j', (accented, _bare, expected) => {
    expect(complaint(accented)).toEqual(expected);
  });
  it.each(vietnamese)('%j unaccented as %j', (_accented, bare, expected) => {
    expect(complaint(bare)).toEqual(expected);
  });

  it('the tone mark may sit on either vowel', () => {
    // "hoà" / "hòa" style differences are common between keyboards.
    expect(complaint('viêm dạ dày ruột')).toEqual(['acute_diarrhoea']);
    expect(complaint('phân toé nước')).toEqual(complaint('phân tóe nước'));
    expect(complaint('phân tóe nước')).toEqual(['acute_diarrhoea']);
  });

  it('decomposed (NFD) input matches like composed input', () => {
    expect(complaint('sốt xuất huyết'.normalize('NFD'))).toEqual(['dengue']);
  });
});

describe('English chief complaints', () => {
  it.each([
    ['fever', ['fever_unspecified']],
    ['Fever and cough', ['ili']],
    ['fever, sore throat', ['ili']],
    ['flu like symptoms', ['ili']],
    ['watery diarrhea x3 days', ['acute_diarrhoea']],
    ['dengue fever', ['dengue']],
    ['hand, foot and mouth disease', ['hfmd']],
    ['fever with rash and cough', ['ili', 'measles_rubella']],
    ['measles', ['measles_rubella']],
    ['jaundice', ['jaundice_hepatitis']],
    ['acute flaccid paralysis', ['afp']],
    ['fever and seizures', ['meningitis_encephalitis']],
    ['fever, stiff neck', ['meningitis_encephalitis']],
  ])('%j → %j', (text, expected) => {
    expect(complaint(text)).toEqual(expected);
  });
});

describe('negation and context', () => {
  it.each([
    ['không sốt', []],
    ['ko sot', []],
    ['k sốt', []],
    ['chưa sốt', []],
    ['hết sốt', []],
    ['no fever', []],
    ['denies fever', []],
    ['without fever or cough', []],
    // scope ends at punctuation or a conjunction
    ['không sốt, tiêu chảy', ['acute_diarrhoea']],
    ['khong sot, tieu chay', ['acute_diarrhoea']],
    ['không ho và sốt', ['fever_unspecified']],
    ['no cough but fever', ['fever_unspecified']],
    ['không sốt hay ho', []],
    ['không sốt. Ho nhiều', []],
    // post-negation
    ['test cúm âm tính', []],
    ['influenza negative', []],
    ['fever resolved', []],
    // context: history, contact, vaccination
    ['tiền sử sốt xuất huyết', []],
    ['tiếp xúc người bị sởi', []],
    ['tiêm phòng sởi', []],
    ['history of hepatitis A', []],
    ['flu shot', []],
    ['tiêm cúm', []],
    // pseudo-negation: the fever is there
    ['sốt không hạ', ['fever_unspecified']],
    ['không hạ sốt được', ['fever_unspecified']],
    ['sốt không rõ nguyên nhân', ['fever_unspecified']],
    ['nó bị sốt', ['fever_unspecified']],
    ['hết thuốc hạ sốt', ['fever_unspecified']],
    ['no bi sot', ['fever_unspecified']],
    // the negation covers one concept and leaves the other
    ['không sốt, phát ban, ho', []],
    ['không ho, sốt, đau họng', ['ili']],
  ])('%j → %j', (text, expected) => {
    expect(complaint(text)).toEqual(expected);
  });
});

describe('look-alike words are not symptoms', () => {
  it.each([
    ['sót rau sau sinh', [], 'retained placenta'],
    ['sot rau sau sinh', [], 'retained placenta, unaccented'],
    ['bỏ sót thuốc', [], 'missed a dose'],
    ['sỏi thận', [], 'kidney stone'],
    ['soi than', [], 'kidney stone, unaccented'],
    ['nội soi dạ dày', [], 'endoscopy'],
    ['noi soi da day', [], 'endoscopy, unaccented'],
    ['suy hô hấp', [], 'respiratory failure'],
    ['suy ho hap', [], 'respiratory failure, unaccented'],
    ['ho ten: nguyen van a', [], 'name field'],
    ['sotalol overdose', [], 'word containing "sot"'],
    ['vàng da sơ sinh', [], 'neonatal jaundice'],
    ['tê tay chân miệng méo', [], 'stroke'],
    ['sốt rét', [], 'malaria is not unexplained fever'],
    ['phát ban', [], 'rash alone'],
    ['sốt phát ban', ['fever_unspecified'], 'lay term, also roseola: not measles without cough/coryza/red eyes'],
    ['co giật', [], 'seizure alone'],
    ['stiff neck', [], 'stiff neck alone is usually muscular'],
    ['xuất huyết tiêu hoá', [], 'gastrointestinal bleeding'],
    ['sốt, xuất huyết tiêu hoá', ['fever_unspecified'], 'fever with GI bleeding is not named dengue'],
    ['viêm gan B mạn', [], 'chronic hepatitis B follow-up'],
    ['đi ngoài', [], 'defecation'],
    ['xét nghiệm AFP', [], 'alpha-fetoprotein'],
  ])('%j → %j (%s)', (text, expected) => {
    expect(complaint(text)).toEqual(expected);
  });

  it('accented "sởi" is measles, accented "sỏi" is not', () => {
    expect(complaint('sởi')).toEqual(['measles_rubella']);
    expect(complaint('sỏi')).toEqual([]);
  });
});

describe('setting, age and temperature', () => {
  it('fever with cough in an inpatient is ILI and SARI', () => {
    expect(complaint('sốt, ho', { setting: 'inpatient' })).toEqual(['ili', 'sari']);
  });

  it('acute flaccid paralysis counts under 15 years only, polio at any age', () => {
    expect(complaint('liệt mềm cấp', { age_years: 6 })).toEqual(['afp']);
    expect(complaint('liệt mềm cấp', { age_years: 45 })).toEqual([]);
    expect(complaint('nghi bại liệt', { age_years: 45 })).toEqual(['afp']);
  });

  it.each([
    [38.0, ['fever_unspecified']],
    [37.9, []],
    [40.1, ['fever_unspecified']],
  ])('a temperature of %s °C with no text → %j', (t, expected) => {
    expect(complaint(undefined, { temperature_c: t })).toEqual(expected);
  });

  it('a measured fever joins the text concepts', () => {
    expect(complaint('ho', { temperature_c: 38.6 })).toEqual(['ili']);
    expect(complaint('ho', { temperature_c: 38.6, setting: 'inpatient' })).toEqual(['ili', 'sari']);
  });

  it('a measured fever outweighs "không sốt"', () => {
    expect(complaint('không sốt', { temperature_c: 38.5 })).toEqual(['fever_unspecified']);
  });

  it('an implausible temperature is ignored', () => {
    expect(complaint(undefined, { temperature_c: 101 })).toEqual([]);
  });

  it.each([[''], ['   '], ['...'], [undefined]])('empty complaint %j → []', (text) => {
    expect(complaint(text)).toEqual([]);
  });

  it('null complaint and temperature → []', () => {
    expect(complaint(undefined, { chief_complaint: null, temperature_c: null })).toEqual([]);
  });
});
