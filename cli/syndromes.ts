import { parseArgs } from 'node:util';
import { DETECTED_SERIES } from '../processors/classify/index.ts';
import { definitionSet, definitionSets, LATEST, type DefinitionSet } from '../schemas/code-tables/definitions.ts';
import { DENOMINATOR_SERIES, syndromeDefinitions, type SyndromeDefinition } from '../schemas/code-tables/syndrome-names.ts';
import { UsageError } from './usage.ts';

const HELP = `ews syndromes — syndrome definitions and their versions / định nghĩa hội chứng và các phiên bản

Usage / Cách dùng: ews syndromes [--version vN|latest] [--json]

Lists the versions of the syndrome definitions shipped (schemas/code-tables/definitions/vN.json),
then every series of one version with its names in Vietnamese and English, ICD-10 codes, LOINC
(or local) test codes and chief-complaint terms, and the negation cues.
Liệt kê các phiên bản định nghĩa hội chứng, rồi từng chuỗi số liệu của một phiên bản: tên tiếng
Việt và tiếng Anh, mã ICD-10, mã xét nghiệm LOINC, từ ngữ lý do khám, từ phủ định.

  --version V   the version to list: v1, v2, … or latest (default: EWS_SYNDROME_DEFINITIONS,
                else latest) / phiên bản cần xem (mặc định: phiên bản đang dùng)
  --json        one JSON document: versions, version, series, cues / xuất JSON
  -h, --help    this text / trợ giúp này`;

/** What `ews syndromes --json` prints. */
export interface SyndromesListing {
  /** Every shipped version, oldest first. */
  versions: { version: string; published: string; summary: { vi: string; en: string } }[];
  /** The version listed. */
  version: string;
  series: SyndromeDefinition[];
  /** Negation and context cues of the chief-complaint classifier. */
  cues: DefinitionSet['complaint']['cues'];
  feverThresholdC: number;
}

/** The listing of one version (pure: from the shipped definitions). */
export function syndromesListing(version: string): SyndromesListing {
  const set = definitionSet(version);
  return {
    versions: definitionSets().map((s) => ({ version: s.version, published: s.published, summary: s.summary })),
    version: set.version,
    // A lab series no test of this version feeds (one added by a later version) is not part of it.
    series: syndromeDefinitions([...DETECTED_SERIES, ...DENOMINATOR_SERIES.map((d) => d.id)], set).filter(
      (d) => d.kind !== 'lab' || d.loinc.length > 0,
    ),
    cues: set.complaint.cues,
    feverThresholdC: set.complaint.feverThresholdC,
  };
}

const termText = (t: string | { text: string }) => (typeof t === 'string' ? t : t.text);
const list = (xs: readonly string[]) => (xs.length > 0 ? xs.join(', ') : '—');

/** The listing as text for a terminal. */
export function renderSyndromes(l: SyndromesListing): string {
  const out: string[] = ['Versions / Phiên bản:'];
  for (const v of l.versions) {
    out.push(`  ${v.version === l.version ? '*' : ' '} ${v.version}  ${v.published}  ${v.summary.en} / ${v.summary.vi}`);
  }
  out.push('', `Definitions ${l.version} / Định nghĩa ${l.version}:`);
  for (const s of l.series) {
    out.push('', `${s.id}  [${s.kind}]`, `  vi: ${s.name.vi}`, `  en: ${s.name.en}`);
    if (s.kind === 'denominator') {
      out.push(`  ${s.description.en}`);
      continue;
    }
    if (s.kind === 'syndrome') out.push(`  ICD-10: ${list(s.icd10)}`, `  terms / từ ngữ: ${list(s.keywords)}`);
    else out.push(`  codes / mã xét nghiệm: ${list(s.loinc)}`);
  }
  const c = l.cues;
  out.push(
    '',
    `Chief complaint / Lý do khám (fever ≥ ${l.feverThresholdC} °C counts as sốt):`,
    `  negation before / phủ định trước: ${list(c.negationPre.map(termText))}`,
    `  negation after / phủ định sau: ${list(c.negationPost.map(termText))}`,
    `  negation either side / hai phía: ${list(c.negationBoth.map(termText))}`,
    `  history, contact / tiền sử, tiếp xúc: ${list(c.contextPre.map(termText))}`,
  );
  return out.join('\n');
}

/** `ews syndromes [--version V] [--json]`. */
export function runSyndromes(argv: string[], env: Record<string, string | undefined> = process.env): number {
  const { values } = parseArgs({
    args: argv,
    options: { help: { type: 'boolean', short: 'h' }, json: { type: 'boolean' }, version: { type: 'string' } },
  });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const version = (values.version ?? env.EWS_SYNDROME_DEFINITIONS ?? LATEST).trim();
  const known = definitionSets().map((s) => s.version);
  if (version !== LATEST && !known.includes(version)) {
    throw new UsageError(
      `--version: no syndrome definitions "${version}" / không có phiên bản này: shipped are ${known.join(', ')} (or latest)`,
    );
  }
  const listing = syndromesListing(version);
  process.stdout.write(values.json ? `${JSON.stringify(listing, null, 2)}\n` : `${renderSyndromes(listing)}\n`);
  return 0;
}
