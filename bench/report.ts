// Helpers shared by the benchmarks that write BENCHMARKS.md. They live in bench/ so that
// bench/ never imports cli/ (cli/bench.ts imports bench/, and the reverse made a cycle).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';

/** Machine line for BENCHMARKS.md: CPU model, cores, memory, kernel, Node version, date (UTC). */
export function machineLine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  let kernel: string;
  try {
    kernel = execFileSync('uname', ['-sr']).toString().trim();
  } catch {
    kernel = process.platform;
  }
  return `${cpu}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, ${kernel}, Node.js ${process.version}; ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** Replaces (or appends) one `<!-- bench:NAME -->` section of BENCHMARKS.md. */
export function writeSection(name: string, body: string): void {
  const file = new URL('../BENCHMARKS.md', import.meta.url);
  const start = `<!-- bench:${name} -->`;
  const end = `<!-- /bench:${name} -->`;
  let text = existsSync(file)
    ? readFileSync(file, 'utf8')
    : '# Benchmarks\n\nWritten by the `npm run bench…` scripts; each section names its machine and date.\n\n';
  const block = `${start}\n${body}${end}\n`;
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  text = i >= 0 && j > i ? text.slice(0, i) + block + text.slice(j + end.length + 1) : text + '\n' + block;
  writeFileSync(file, text);
}

/** The load average (1 / 5 / 15 min) for a benchmark's machine line: this machine is shared. */
export function loadLine(): string {
  return loadavg()
    .map((x) => x.toFixed(2))
    .join(' / ');
}

/**
 * Like writeSection, but a section not yet in the file goes right before the first of the
 * sections `before` that is there, rather than at the end: related benchmarks stay together.
 */
export function writeSectionBefore(name: string, before: string | readonly string[], body: string): void {
  const file = new URL('../BENCHMARKS.md', import.meta.url);
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const anchor = [before]
    .flat()
    .map((a) => `<!-- bench:${a} -->\n`)
    .find((a) => text.includes(a));
  if (!text.includes(`<!-- bench:${name} -->`) && anchor !== undefined) {
    const at = text.indexOf(anchor);
    writeFileSync(file, `${text.slice(0, at)}<!-- bench:${name} -->\n<!-- /bench:${name} -->\n\n${text.slice(at)}`);
  }
  writeSection(name, body);
}

/** One ingest format's latest figures, for the summary beside the JSON figure. */
export interface IngestFormatFigures {
  /** What was sent, e.g. "HL7 v2 ADT/ORU over MLLP". */
  label: string;
  command: string;
  /** Requests or messages per second and their unit (batches/s, Bundles/s, messages/s). */
  unitsPerSecond: number;
  unit: string;
  eventsPerSecond: number;
  countedPerSecond: number;
  peakRssMb: number;
  /** Date (UTC) and the load average at the end. */
  when: string;
  load: string;
}

const FORMATS = ['json', 'fhir', 'hl7'] as const;
const FIGURES = /<!-- figures (\{.*\}) -->/;

/**
 * Records one format's figures in the `ingest-formats` section (right before `ingest`) and
 * rewrites its table of the three formats' latest figures: each benchmark updates its own row,
 * the others keep theirs (the figures are kept in the section, in a comment).
 */
export function recordIngestFormat(format: (typeof FORMATS)[number], figures: IngestFormatFigures): void {
  const file = new URL('../BENCHMARKS.md', import.meta.url);
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const start = text.indexOf('<!-- bench:ingest-formats -->');
  const kept = start >= 0 ? FIGURES.exec(text.slice(start)) : null;
  const all = { ...(kept ? (JSON.parse(kept[1]!) as Record<string, IngestFormatFigures>) : {}), [format]: figures };
  const n = (x: number) => x.toLocaleString('en');
  const rows = FORMATS.filter((f) => all[f]).map((f) => {
    const x = all[f]!;
    return `| ${x.label} | \`${x.command}\` | ${n(x.unitsPerSecond)} ${x.unit} | **${n(x.eventsPerSecond)}** | ${n(x.countedPerSecond)} | ${x.peakRssMb} MB | ${x.when}, load ${x.load} |`;
  });
  writeSectionBefore(
    'ingest-formats',
    'ingest',
    `## Ingest by format (latest run of each, \`npm run bench\`)\n\n` +
      `Each answer only once its events are fsynced to the embedded log; one pipeline process, the load from a separate client ` +
      `process; the JSON figure's section follows, then FHIR's and HL7 v2's. \`npm run bench\` runs all three.\n\n` +
      `| format | command | requests | events/s durable | events/s until counted | peak RSS | run (UTC), load average |\n` +
      `|---|---|---|---|---|---|---|\n` +
      `${rows.join('\n')}\n\n<!-- figures ${JSON.stringify(all)} -->\n`,
  );
}

/**
 * Runs a benchmark's load generator (a TypeScript file, through tsx) as a separate process with
 * the hospital's key in EWS_HOSPITAL_KEY; resolves with what it printed on stdout (its figures).
 */
export function runBenchClient(script: URL, args: readonly string[], key: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script.pathname, ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, EWS_HOSPITAL_KEY: key },
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`bench client exited with ${code}`))));
  });
}
