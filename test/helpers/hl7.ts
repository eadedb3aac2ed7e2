import net from 'node:net';
import { createDeframer, frame } from '../../ingest/hl7/mllp-framing.ts';

/** An ADT message with overrides of its parts (segments joined by CR). */
export function adt(o: {
  trigger?: string;
  facility?: string;
  key?: string;
  control?: string;
  visit?: string;
  mrn?: string;
  name?: string;
  phone?: string;
  birth?: string;
  sex?: string;
  commune?: string;
  patientClass?: string;
  admit?: string;
  dx?: string;
  complaint?: string;
  /** Segments appended (NTE notes: not mapped). */
  extra?: readonly string[];
}): string {
  return [
    `MSH|^~\\&|HIS|${o.facility ?? 'BV-A'}|EWS|SO-YT|20261120093000||ADT^${o.trigger ?? 'A04'}^ADT_A01|${o.control ?? 'C1'}|P|2.5.1`,
    `EVN|${o.trigger ?? 'A04'}|20261120093000`,
    `PID|1||${o.mrn ?? 'MRN123456'}^^^BV-A^MR||${o.name ?? 'Nguyen^Van An'}||${o.birth ?? '19900315'}|${o.sex ?? 'M'}|||12 Tran Phu^^Bac Ninh^^^^H^^${o.commune ?? '09187'}||${o.phone ?? '0912345678'}`,
    `PV1|1|${o.patientClass ?? 'E'}|||||||||||||||||${o.visit ?? 'V1'}|||||||||||||||||||||||||${o.admit ?? '20261120091500'}`,
    `DG1|1||${o.dx ?? 'A90'}^Dengue^I10C`,
    `OBX|1|CWE|8661-1^Chief complaint^LN||^${o.complaint ?? 'sốt cao'}||||||F`,
    ...(o.extra ?? []),
  ]
    .join('\r')
    .replace(/^(MSH(?:\|[^|]*){6})\|\|/, (_m, head: string) => `${head}|${o.key ?? ''}|`);
}

/** An ORU^R01 with one lab result. */
export function oru(o: {
  facility?: string;
  key?: string;
  order?: string;
  loinc?: string;
  value?: string;
  flag?: string;
  commune?: string;
}): string {
  return [
    `MSH|^~\\&|LIS|${o.facility ?? 'BV-A'}|EWS|SO-YT|20261120100000|${o.key ?? ''}|ORU^R01^ORU_R01|L1|P|2.5.1`,
    `PID|1||MRN777^^^BV-A^MR||Tran^Thi B||19850101|F|||^^^^^^^^${o.commune ?? '09187'}`,
    `OBR|1||${o.order ?? 'ORD1'}|94500-6^SARS-CoV-2 RNA^LN|||20261120080000`,
    `OBX|1|CWE|${o.loinc ?? '94500-6'}^SARS-CoV-2 RNA^LN||${o.value ?? '260373001^Detected^SCT'}||||||F|||20261120083000`,
  ].join('\r');
}

/** A client over real TCP that sends raw bytes and collects the ACK frames the server sends back. */
export async function mllpClient(port: number) {
  const socket = net.connect({ port, host: '127.0.0.1' });
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const deframer = createDeframer(16 * 1024 * 1024);
  const acks: string[] = [];
  const waiters: (() => void)[] = [];
  socket.on('data', (c: Buffer) => {
    for (const ev of deframer.push(c)) if (ev.kind === 'message') acks.push(ev.bytes.toString('utf8'));
    for (const w of waiters.splice(0)) w();
  });
  socket.on('error', () => undefined);
  return {
    socket,
    acks,
    write: (b: Buffer | string) => new Promise<void>((r) => socket.write(b, () => r())),
    send: (msg: string) => new Promise<void>((r) => socket.write(frame(msg), () => r())),
    /** Waits until `n` ACKs have come (or fails after `ms`). */
    async waitFor(n: number, ms = 20_000) {
      const until = Date.now() + ms;
      while (acks.length < n) {
        if (Date.now() > until) throw new Error(`${acks.length} of ${n} ACKs after ${ms} ms`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 200);
        });
      }
      return acks;
    },
    close: () => new Promise<void>((r) => socket.end(() => r())),
  };
}

/** MSA-1 and MSA-3 of an ACK. */
export function msa(ack: string): { code: string; control: string; text: string } {
  const seg = ack.split('\r').find((s) => s.startsWith('MSA|')) ?? '';
  const f = seg.split('|');
  return { code: f[1] ?? '', control: f[2] ?? '', text: f[3] ?? '' };
}
