const NOT_ALNUM = /[^0-9A-Z]/g;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/**
 * Canonical form of an ICD-10 code: upper case, letters and digits only ("j11.1 " →
 * "J111"), or "" when it does not start like an ICD-10 code (a letter and two digits).
 */
export function normaliseIcdCode(raw: string): string {
  const code = raw.toUpperCase().replace(NOT_ALNUM, '');
  if (code.length < 3) return '';
  const letter = code.charCodeAt(0);
  const d1 = code.charCodeAt(1);
  const d2 = code.charCodeAt(2);
  return letter >= 65 && letter <= 90 && isDigit(d1) && isDigit(d2) ? code : '';
}
