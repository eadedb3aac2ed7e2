import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isAppError } from '../platform/errors.ts';
import { DEFAULT_RULES_FILE, parseRuleFile, type AlertRule } from '../alerts/rule-file.ts';

export type RulesFileResult = { ok: true; rules: readonly AlertRule[] } | { ok: false; message: string };

/**
 * Reads and validates the rules file of EWS_RULES_FILE, or the shipped defaults when unset
 * (which must cite a source for every rule). A file that cannot be read or does not validate
 * comes back as a message naming the file and every bad entry, e.g.
 * `'/etc/ews/rules.yaml': rules file: rules[3].threshold: must be ≥ 1`, for the config
 * error (English and Vietnamese) that stops start-up.
 */
export function readRulesFile(path: string | undefined): RulesFileResult {
  const file = path ?? fileURLToPath(DEFAULT_RULES_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as { code?: string }).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (code ?? String(err));
    return { ok: false, message: `cannot read '${file}' / không đọc được tệp quy tắc: ${why}` };
  }
  try {
    return { ok: true, rules: parseRuleFile(text, { requireSource: path === undefined }).rules };
  } catch (err) {
    if (!isAppError(err)) throw err;
    return { ok: false, message: `'${file}' / tệp quy tắc không hợp lệ: ${err.message}` };
  }
}
