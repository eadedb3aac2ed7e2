// Message catalogues: every word the application shows comes from here, in Vietnamese and
// English. Each page brings its own catalogue (Page.messages); the shell registers them all
// and t() looks a key up in the current language, falling back to Vietnamese, then to the
// key itself (so a missing message is visible, never blank).

import type { Lang } from './contract.ts';

export type MessageKey = string;
/** One language's messages: key → text with optional `{name}` placeholders. */
export type Messages = Readonly<Record<MessageKey, string>>;
export interface Catalogue {
  vi: Messages;
  en: Messages;
}

export const LANGS: readonly Lang[] = ['vi', 'en'];
const registry: Record<Lang, Record<string, string>> = { vi: {}, en: {} };

/** Adds a catalogue; a key registered twice with different text is a programming error. */
export function register(catalogue: Catalogue): void {
  for (const lang of LANGS) {
    for (const [k, v] of Object.entries(catalogue[lang])) {
      const had = registry[lang][k];
      if (had !== undefined && had !== v) throw new Error(`message ${k} (${lang}) registered twice with different text`);
      registry[lang][k] = v;
    }
  }
}

/** Fills `{name}` placeholders; numbers are formatted for the language. */
export function format(text: string, lang: Lang, params?: Record<string, string | number>): string {
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (m, name: string) => {
    const v = params[name];
    if (v === undefined) return m;
    return typeof v === 'number' ? v.toLocaleString(lang === 'vi' ? 'vi-VN' : 'en-GB') : v;
  });
}

export function translate(lang: Lang, key: MessageKey, params?: Record<string, string | number>): string {
  const text = registry[lang][key] ?? registry.vi[key] ?? key;
  return format(text, lang, params);
}

/** Keys present in one language of a catalogue and missing from the other. */
export function missingKeys(catalogue: Catalogue): { vi: string[]; en: string[] } {
  const vi = Object.keys(catalogue.vi);
  const en = Object.keys(catalogue.en);
  return { vi: en.filter((k) => !(k in catalogue.vi)), en: vi.filter((k) => !(k in catalogue.en)) };
}
