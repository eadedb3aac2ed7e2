import type { ComplaintTerm } from './chief-complaint-terms.ts';
import { latestDefinitions, type DefinitionSet } from './definitions.ts';
import { CXR_SERIES, LAB_SERIES } from './loinc-pathogens.ts';
import { SYNDROMES } from './syndromes.ts';

/**
 * What every series id means, for people (issue: "syndromes shown by their names in both
 * languages, with their definition one click away"): a name and a one-line description in
 * Vietnamese and English. The names of syndromes and lab series come from their own tables
 * (syndromes.ts, loinc-pathogens.ts); the descriptions and the denominators live here.
 * test/unit/syndrome-names.test.ts fails when a series id is added without them.
 */

type Text = { readonly vi: string; readonly en: string };

/** The denominator series every event also counts in (schemas/migrations/001_init.sql); never alerted on. */
export const DENOMINATOR_SERIES = [
  {
    id: '_visits',
    vi: 'Tổng số lượt khám',
    en: 'All encounters',
    description: {
      vi: 'Mọi lượt khám được gửi đến, tại cơ sở và từ xa (mẫu số để tính tỷ lệ phần trăm của từng hội chứng).',
      en: 'Every encounter received, in person and telehealth (the denominator of each syndrome’s percentage).',
    },
  },
  {
    id: '_visits_telehealth',
    vi: 'Lượt khám từ xa',
    en: 'Telehealth consultations',
    description: {
      vi: 'Mọi lượt khám từ xa (telehealth): mẫu số riêng của các lượt này. Chúng vẫn được tính trong tổng số lượt khám và trong các hội chứng.',
      en: 'Every telehealth consultation: their own denominator. They still count in all encounters and in the syndromes.',
    },
  },
  {
    id: '_tests',
    vi: 'Tổng số xét nghiệm',
    en: 'All laboratory results',
    description: {
      vi: 'Mọi kết quả xét nghiệm được gửi đến, dương tính hay không (mẫu số của các chuỗi xét nghiệm).',
      en: 'Every laboratory result received, positive or not (the denominator of the lab series).',
    },
  },
] as const;

/**
 * The reserved series id of data-quality alerts (alerts/data-quality-alerts.ts): not a count
 * series (GET /v1/syndromes does not list it), named here so messages and pages can name it.
 */
export const DATA_QUALITY_SERIES = '_data_quality';
export const DATA_QUALITY_NAME: Text = { vi: 'Chất lượng dữ liệu', en: 'Data quality' };

/** One line per syndrome and lab series: what counts in it. Keyed by id; the type demands every id. */
export const SERIES_DESCRIPTIONS: Readonly<
  Record<(typeof SYNDROMES)[number]['id'] | (typeof LAB_SERIES)[number]['id'] | (typeof CXR_SERIES)[number]['id'], Text>
> = {
  ili: {
    vi: 'Sốt kèm ho hoặc đau họng, hoặc chẩn đoán cúm (J09–J11).',
    en: 'Fever with cough or sore throat, or a diagnosis of influenza (J09–J11).',
  },
  sari: {
    vi: 'Cúm hoặc viêm phổi phải nhập viện, hoặc sốt kèm ho ở bệnh nhân nội trú (định nghĩa SARI của WHO).',
    en: 'Influenza or pneumonia needing admission, or fever and cough in an inpatient (WHO SARI).',
  },
  acute_diarrhoea: {
    vi: 'Bệnh nhiễm trùng đường ruột (A00–A09) hoặc tiêu chảy, kiết lỵ được ghi ở lý do khám.',
    en: 'Intestinal infectious disease (A00–A09) or diarrhoea or dysentery in the chief complaint.',
  },
  dengue: {
    vi: 'Sốt xuất huyết Dengue được chẩn đoán (A90, A91, A97) hoặc được ghi tên ở lý do khám.',
    en: 'Dengue diagnosed (A90, A91, A97) or named in the chief complaint.',
  },
  hfmd: {
    vi: 'Bệnh tay chân miệng được chẩn đoán (B08.4) hoặc được ghi tên ở lý do khám.',
    en: 'Hand, foot and mouth disease diagnosed (B08.4) or named in the chief complaint.',
  },
  measles_rubella: {
    vi: 'Sởi, rubella (B05, B06), hoặc sốt và phát ban kèm ho, sổ mũi hay đỏ mắt (ca nghi sởi của WHO).',
    en: 'Measles or rubella (B05, B06), or fever and rash with cough, coryza or red eyes (WHO suspected measles).',
  },
  meningitis_encephalitis: {
    vi: 'Viêm màng não, viêm não được chẩn đoán, hoặc sốt kèm co giật, cứng gáy hay rối loạn ý thức.',
    en: 'Meningitis or encephalitis diagnosed, or fever with seizure, stiff neck or altered consciousness.',
  },
  afp: {
    vi: 'Bại liệt ở mọi lứa tuổi; liệt mềm cấp hoặc Guillain-Barré ở trẻ dưới 15 tuổi.',
    en: 'Poliomyelitis at any age; acute flaccid paralysis or Guillain-Barré under 15 years.',
  },
  jaundice_hepatitis: {
    vi: 'Viêm gan vi rút cấp (B15–B17) hoặc vàng da chưa rõ nguyên nhân (R17), trừ vàng da sơ sinh.',
    en: 'Acute viral hepatitis (B15–B17) or unexplained jaundice (R17), newborn jaundice excepted.',
  },
  fever_unspecified: {
    vi: 'Sốt không rõ nguyên nhân (R50) mà không thuộc hội chứng nào khác.',
    en: 'Fever of unknown origin (R50) that no other syndrome explains.',
  },
  cholera: {
    vi: 'Bệnh tả (A00), bệnh truyền nhiễm nhóm A: một ca là cảnh báo ngay.',
    en: 'Cholera (A00), a group-A disease: one case alerts at once.',
  },
  plague: {
    vi: 'Bệnh dịch hạch mọi thể (A20), bệnh truyền nhiễm nhóm A: một ca là cảnh báo ngay.',
    en: 'Plague of any form (A20), a group-A disease: one case alerts at once.',
  },
  novel_influenza: {
    vi: 'Cúm do vi rút cúm động vật hoặc đại dịch được xác định (J09), bệnh nhóm A: một ca là cảnh báo ngay.',
    en: 'Influenza due to an identified zoonotic or pandemic virus (J09), group A: one case alerts at once.',
  },
  viral_haemorrhagic_fever: {
    vi: 'Sốt vàng, Lassa, Marburg, Ebola (A95, A96.2, A98.3, A98.4), bệnh nhóm A: một ca là cảnh báo ngay.',
    en: 'Yellow fever, Lassa, Marburg, Ebola (A95, A96.2, A98.3, A98.4), group A: one case alerts at once.',
  },
  smallpox: {
    vi: 'Bệnh đậu mùa (B03), đã thanh toán năm 1980: một ca là tình trạng khẩn cấp.',
    en: 'Smallpox (B03), eradicated in 1980: a single case is an emergency.',
  },
  sars: {
    vi: 'Viêm đường hô hấp cấp nặng do vi rút SARS (U04), bệnh nhóm A: một ca là cảnh báo ngay.',
    en: 'Severe acute respiratory syndrome (U04), group A: one case alerts at once.',
  },
  lab_dengue: {
    vi: 'Xét nghiệm Dengue dương tính: NS1 nhanh, IgM hoặc RT-PCR.',
    en: 'A positive dengue test: NS1 rapid test, IgM or RT-PCR.',
  },
  lab_influenza_a: {
    vi: 'Xét nghiệm vi rút cúm A dương tính (RT-PCR bệnh phẩm hô hấp).',
    en: 'A positive influenza A test (RT-PCR of a respiratory specimen).',
  },
  lab_influenza_b: {
    vi: 'Xét nghiệm vi rút cúm B dương tính (RT-PCR bệnh phẩm hô hấp).',
    en: 'A positive influenza B test (RT-PCR of a respiratory specimen).',
  },
  lab_measles: {
    vi: 'Kháng thể IgM kháng sởi dương tính trong huyết thanh.',
    en: 'Measles IgM antibody positive in serum.',
  },
  lab_vibrio: {
    vi: 'Cấy phân phân lập được Vibrio (gồm cả V. cholerae và V. parahaemolyticus).',
    en: 'Vibrio isolated by stool culture (V. cholerae and V. parahaemolyticus alike).',
  },
  lab_cholera: {
    vi: 'PCR phân phát hiện vi khuẩn tả V. cholerae (97314-9), bệnh nhóm A.',
    en: 'Vibrio cholerae detected in stool by PCR (97314-9), a group-A disease.',
  },
  lab_hfmd: {
    vi: 'PCR phát hiện Enterovirus A71, tác nhân của tay chân miệng nặng (mã nội bộ EWS-EV71-RNA).',
    en: 'Enterovirus A71 detected by PCR, the cause of severe hand, foot and mouth disease (local code EWS-EV71-RNA).',
  },
  cxr_presumptive_tb: {
    vi: 'Phim X-quang ngực được phần mềm AI đọc là nghi lao (sàng lọc, chưa phải chẩn đoán; mã nội bộ EWS-CXR-TB).',
    en: 'A chest X-ray an AI reader flags as presumptive TB (screening, not a diagnosis; local code EWS-CXR-TB).',
  },
  cxr_nodule: {
    vi: 'Phim X-quang ngực được phần mềm AI đọc là có nốt ở phổi (mã nội bộ EWS-CXR-NODULE).',
    en: 'A chest X-ray an AI reader flags with a lung nodule (local code EWS-CXR-NODULE).',
  },
};

/** One series for people: GET /v1/syndromes `definitions` (dashboards/web/src/contract.ts SyndromeDefinition). */
export interface SyndromeDefinition {
  id: string;
  kind: 'syndrome' | 'lab' | 'denominator';
  name: Text;
  description: Text;
  /** ICD-10 codes or ranges that count (`icd10` of the definitions), in table order. */
  icd10: readonly string[];
  /** LOINC tests (or local codes EWS-…, for the AI chest X-ray series) whose positive result counts (`loinc`, `local` of the definitions). */
  loinc: readonly string[];
  /** Chief-complaint words that can raise it (`complaint.concepts` through `complaint.rules`). */
  keywords: readonly string[];
}

const unique = (xs: readonly string[]) => [...new Set(xs)];
const termText = (t: ComplaintTerm) => (typeof t === 'string' ? t : t.text);

/** The chief-complaint words of every concept a rule of the syndrome uses. */
function keywordsOf(syndrome: string, set: DefinitionSet): string[] {
  const concepts = set.complaint.rules.filter((r) => r.syndrome === syndrome).flatMap((r) => r.anyOf.flat());
  const terms = (c: string): readonly ComplaintTerm[] => set.complaint.concepts[c]?.terms ?? [];
  return unique([...new Set(concepts)].flatMap((c) => terms(c).map(termText)));
}

/**
 * The definition of one series id in a version of the syndrome definitions (default the
 * latest), or undefined when the tables do not name it.
 */
export function syndromeDefinition(id: string, set: DefinitionSet = latestDefinitions()): SyndromeDefinition | undefined {
  const syndrome = SYNDROMES.find((s) => s.id === id);
  if (syndrome) {
    return {
      id,
      kind: 'syndrome',
      name: { vi: syndrome.vi, en: syndrome.en },
      description: SERIES_DESCRIPTIONS[syndrome.id],
      icd10: unique(set.icd10.filter((a) => a.syndrome === id).flatMap((a) => a.codes)),
      loinc: [],
      keywords: keywordsOf(id, set),
    };
  }
  // AI chest X-ray findings arrive as lab-style results: kind `lab`, their local codes in `loinc`.
  const lab = LAB_SERIES.find((s) => s.id === id) ?? CXR_SERIES.find((s) => s.id === id);
  if (lab) {
    return {
      id,
      kind: 'lab',
      name: { vi: lab.vi, en: lab.en },
      description: SERIES_DESCRIPTIONS[lab.id],
      icd10: [],
      loinc: [
        ...set.loinc.filter((t) => t.series === id).map((t) => t.loinc),
        ...set.local.filter((t) => t.series === id).map((t) => t.code),
      ],
      keywords: [],
    };
  }
  const d = DENOMINATOR_SERIES.find((s) => s.id === id);
  if (d) return { id, kind: 'denominator', name: { vi: d.vi, en: d.en }, description: d.description, icd10: [], loinc: [], keywords: [] };
  return undefined;
}

/** The definitions of the ids the tables name, in the ids' order (an unnamed id is left out: the test catches it). */
export function syndromeDefinitions(ids: readonly string[], set: DefinitionSet = latestDefinitions()): SyndromeDefinition[] {
  return ids.map((id) => syndromeDefinition(id, set)).filter((d) => d !== undefined);
}
