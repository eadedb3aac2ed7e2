// Load generator for the HL7 v2 MLLP benchmark (bench/hl7.ts), run as a child process so it
// does not share the server's event loop. Turns the demo simulator's events into HL7 v2.5.1
// messages (an encounter: ADT^A04 with PID, PV1, a DG1 per ICD-10 code and the OBX 8661-1
// chief complaint; a lab: ORU^R01 with OBR and one OBX), pre-frames them (0x0B … 0x1C 0x0D),
// then sends them over C TCP connections, each with at most W messages awaiting their ACK
// (W = 1: the original-mode sender that waits for each ACK before the next message, as
// integration engines do by default). Reports one JSON line. The hospital key goes in MSH-8
// (plain MLLP); it comes from EWS_HOSPITAL_KEY (not argv: not in ps).
import net from 'node:net';
import { createRng } from '../simulator/random.ts';
import { generateDay } from '../simulator/model.ts';
import { loadDemoUnits } from '../cli/units.ts';
import { createDeframer, frame } from '../ingest/hl7/mllp-framing.ts';
import { escapeHl7 } from '../ingest/hl7/hl7-text.ts';

const [host, portArg, totalArg, connectionsArg, windowArg, hospital] = process.argv.slice(2);
const key = process.env['EWS_HOSPITAL_KEY'];
if (!key || !hospital) throw new Error('usage: hl7-client HOST PORT MESSAGES CONNECTIONS WINDOW HOSPITAL, with EWS_HOSPITAL_KEY set');
const port = Number(portArg);
const total = Number(totalArg);
const connections = Number(connectionsArg);
const window = Number(windowArg);

const CLASS: Record<string, string> = { outpatient: 'O', emergency: 'E', inpatient: 'I', telehealth: 'O' };
const SEX: Record<string, string> = { male: 'M', female: 'F', other: 'O', unknown: 'U' };
const RESULT: Record<string, string> = { positive: 'POS', negative: 'NEG', indeterminate: 'IND' };

/** An ISO time with its offset (2024-10-04T00:01:54+07:00) as an HL7 DTM (20241004000154+0700). */
const dtm = (iso: string) => iso.replace(/[-:T]/g, '').replace(/^(\d{14})(?:\.\d+)?([+-]\d{4})$/, '$1$2');

function messageOf(e: Record<string, unknown>, i: number): string {
  const when = dtm(String(e['occurred_at']));
  const age = typeof e['age_years'] === 'number' ? e['age_years'] : undefined;
  const birth = age === undefined ? '' : `${Number(String(e['occurred_at']).slice(0, 4)) - age}0101`;
  const pid =
    `PID|1||${escapeHl7(String(e['patient_id']))}^^^${hospital}^MR||||${birth}|${SEX[String(e['sex'])] ?? 'U'}` +
    `|||^^^^^^^^${String(e['commune_code'])}`;
  const control = `B${i}`;
  if (e['schema'] === 'ews.lab.v1')
    return [
      `MSH|^~\\&|LIS|${hospital}|EWS|EWS|${when}|${key}|ORU^R01^ORU_R01|${control}|P|2.5.1`,
      pid,
      `OBR|1||${escapeHl7(String(e['event_id']))}|${String(e['test_code'])}^^LN|||${when}`,
      `OBX|1|CWE|${String(e['test_code'])}^^LN||${RESULT[String(e['result'])]}||||||F|||${when}`,
    ].join('\r');
  const segments = [
    `MSH|^~\\&|HIS|${hospital}|EWS|EWS|${when}|${key}|ADT^A04^ADT_A01|${control}|P|2.5.1`,
    `EVN|A04|${when}`,
    pid,
    `PV1|1|${CLASS[String(e['setting'])] ?? 'O'}|||||||||||||||||${escapeHl7(String(e['event_id']))}|||||||||||||||||||||||||${when}`,
    ...((e['diagnoses'] as string[] | undefined) ?? []).map((code, k) => `DG1|${k + 1}||${code}^^I10C`),
  ];
  if (typeof e['chief_complaint'] === 'string')
    segments.push(`OBX|1|CWE|8661-1^Chief complaint^LN||^${escapeHl7(e['chief_complaint'])}||||||F`);
  return segments.join('\r');
}

const units = loadDemoUnits().map((u) => ({ code: u.code, provinceCode: u.provinceCode, population: u.population }));
const rng = createRng(13);
const frames: Buffer[] = [];
let labs = 0;
for (let day = 20000; frames.length < total; day++) {
  for (const e of generateDay(day, units, { scale: 1, outbreaks: [] }, rng)) {
    if (e.schema === 'ews.lab.v1') labs++;
    frames.push(frame(messageOf({ ...e, hospital_id: hospital }, frames.length)));
    if (frames.length >= total) break;
  }
}
const bytes = frames.reduce((n, f) => n + f.length, 0);

let next = 0;
let accepted = 0;
let refusedCount = 0;
const firstRefusals: string[] = [];
const started = performance.now();

/** One connection: keeps up to `window` messages awaiting their ACK until all are sent and answered. */
async function connection(): Promise<void> {
  const socket = net.connect({ host, port });
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  socket.setNoDelay(true);
  const deframer = createDeframer(1 << 20);
  let waiting = 0;
  await new Promise<void>((resolve, reject) => {
    const fill = () => {
      while (waiting < window && next < frames.length) {
        socket.write(frames[next++]!);
        waiting++;
      }
      if (waiting === 0) resolve();
    };
    socket.on('data', (chunk: Buffer) => {
      for (const ev of deframer.push(chunk)) {
        if (ev.kind !== 'message') continue;
        waiting--;
        const ack = ev.bytes.toString('utf8');
        const msa =
          ack
            .split('\r')
            .find((s) => s.startsWith('MSA|'))
            ?.split('|') ?? [];
        if (msa[1] === 'AA') accepted++;
        else if (++refusedCount <= 5) firstRefusals.push(`${msa[1]} ${msa[3] ?? ''}`);
      }
      fill();
    });
    socket.on('error', reject);
    socket.on('close', () => (waiting > 0 ? reject(new Error(`connection closed with ${waiting} messages unanswered`)) : resolve()));
    fill();
  });
  await new Promise<void>((resolve) => socket.end(resolve));
}

await Promise.all(Array.from({ length: connections }, connection));
const seconds = (performance.now() - started) / 1000;
process.stdout.write(
  JSON.stringify({ messages: frames.length, labs, accepted, refused: refusedCount, firstRefusals, seconds, bytes }) + '\n',
);
