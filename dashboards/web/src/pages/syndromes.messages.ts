import type { Catalogue } from '../i18n.ts';

/** Words of the Syndromes page and of the definition dialog (syndrome-info.ts) any page may open. */
export const syndromesMessages: Catalogue = {
  vi: {
    'syndromes.title': 'Hội chứng',
    'syndromes.intro':
      'Các chuỗi số liệu được đếm. Chọn một chuỗi để xem định nghĩa: mã ICD-10, mã xét nghiệm LOINC và từ khoá lý do khám.',
    'syndromes.kind.syndrome': 'Hội chứng lâm sàng',
    'syndromes.kind.lab': 'Xét nghiệm dương tính',
    'syndromes.kind.denominator': 'Mẫu số',
    'syndromes.choose': 'Chọn một hội chứng ở danh sách để xem định nghĩa.',
    'syndromes.loading': 'Đang tải…',
    'syndromes.none': 'Không có chuỗi số liệu nào.',
    'syndromeInfo.open': 'Định nghĩa của {name}',
    'syndromeInfo.close': 'Đóng',
    'syndromeInfo.id': 'Mã chuỗi',
    'syndromeInfo.otherName': 'Tên tiếng Anh',
    'syndromeInfo.icd10': 'Mã ICD-10 (mã hoặc khoảng mã, gồm mọi mã con)',
    'syndromeInfo.loinc': 'Xét nghiệm LOINC (kết quả dương tính được đếm)',
    'syndromeInfo.keywords': 'Từ khoá lý do khám (tiếng Việt, có dấu hoặc không dấu, và tiếng Anh)',
    'syndromeInfo.noIcd10': 'Không dùng mã ICD-10.',
    'syndromeInfo.noLoinc': 'Không dùng xét nghiệm.',
    'syndromeInfo.noKeywords': 'Không đếm theo lý do khám: chỉ theo mã.',
    'syndromeInfo.unknown': 'Chưa có định nghĩa cho {id}.',
  },
  en: {
    'syndromes.title': 'Syndromes',
    'syndromes.intro':
      'The series that are counted. Choose one to see its definition: ICD-10 codes, LOINC tests and chief-complaint words.',
    'syndromes.kind.syndrome': 'Clinical syndromes',
    'syndromes.kind.lab': 'Positive laboratory tests',
    'syndromes.kind.denominator': 'Denominators',
    'syndromes.choose': 'Choose a syndrome in the list to see its definition.',
    'syndromes.loading': 'Loading…',
    'syndromes.none': 'No series.',
    'syndromeInfo.open': 'Definition of {name}',
    'syndromeInfo.close': 'Close',
    'syndromeInfo.id': 'Series id',
    'syndromeInfo.otherName': 'Vietnamese name',
    'syndromeInfo.icd10': 'ICD-10 codes (a code or range, with every subcode)',
    'syndromeInfo.loinc': 'LOINC tests (a positive result counts)',
    'syndromeInfo.keywords': 'Chief-complaint words (Vietnamese, with or without diacritics, and English)',
    'syndromeInfo.noIcd10': 'No ICD-10 codes.',
    'syndromeInfo.noLoinc': 'No laboratory tests.',
    'syndromeInfo.noKeywords': 'Not counted from the chief complaint: codes only.',
    'syndromeInfo.unknown': 'No definition yet for {id}.',
  },
};
