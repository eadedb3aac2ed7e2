// Helpers shared by the benchmarks that write BENCHMARKS.md. They live in bench/ so that
// bench/ never imports cli/ (cli/bench.ts imports bench/, and the reverse made a cycle).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

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
