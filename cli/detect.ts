import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseReferenceCase, runReferenceCase } from '../processors/detect/reference-case.ts';

const HELP = `ews detect FILE… — run the detectors on cases in the format of R surveillance reference
outputs (see shared/reference/README.md) and print, per file and in order, one JSON line
{"name", "upperbound": [...], "alarm": [...]} for the time points in range (null where R has NA).`;

export async function runDetect(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { help: { type: 'boolean', short: 'h' } } });
  if (values.help || positionals.length === 0) {
    process.stdout.write(`${HELP}\n`);
    return positionals.length === 0 && !values.help ? 2 : 0;
  }
  let failed = 0;
  for (const file of positionals) {
    try {
      const result = runReferenceCase(parseReferenceCase(JSON.parse(readFileSync(file, 'utf8'))));
      process.stdout.write(JSON.stringify({ name: result.name, upperbound: result.upperbound, alarm: result.alarm }) + '\n');
    } catch (err) {
      failed++;
      process.stderr.write(`ews detect: ${file}: ${(err as Error).message}\n`);
    }
  }
  return failed === 0 ? 0 : 1;
}
