/** Sends NDJSON batches to an ingest endpoint, each hospital's lines with its own key, and tallies the answers. */
export interface SendTally {
  sent: number;
  accepted: number;
  duplicates: number;
  rejected: number;
}

/** A line to send and the hospital sending it. */
export interface OutgoingLine {
  line: string;
  hospital: string;
}

/**
 * `keys`: the API key of each simulated hospital (`ews hospitals add`). A batch is split by
 * hospital: one request per hospital, with `Authorization: Bearer <its key>`.
 */
export function createIngestClient(baseUrl: string, keys: ReadonlyMap<string, string>) {
  const tally: SendTally = { sent: 0, accepted: 0, duplicates: 0, rejected: 0 };
  const post = async (hospital: string, lines: readonly string[]): Promise<void> => {
    const key = keys.get(hospital);
    if (key === undefined) throw new Error(`no API key for simulated hospital ${hospital}`);
    const res = await fetch(`${baseUrl}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${key}` },
      body: lines.join('\n'),
    });
    const body = (await res.json()) as { accepted?: number; duplicates?: number; rejected?: unknown[]; error?: { message: string } };
    if (!res.ok) throw new Error(`ingest answered ${res.status}: ${body.error?.message ?? 'no message'}`);
    tally.sent += lines.length;
    tally.accepted += body.accepted ?? 0;
    tally.duplicates += body.duplicates ?? 0;
    tally.rejected += body.rejected?.length ?? 0;
  };
  return {
    tally,
    /** Sends the lines, one request per hospital (in parallel); resolves when all are answered. */
    async send(items: readonly OutgoingLine[]): Promise<void> {
      await Promise.all([...byHospital(items)].map(([hospital, lines]) => post(hospital, lines)));
    },
  };
}

/** Lines grouped by their hospital, in order of first appearance. */
export function byHospital(items: readonly OutgoingLine[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const { line, hospital } of items) {
    let g = groups.get(hospital);
    if (!g) groups.set(hospital, (g = []));
    g.push(line);
  }
  return groups;
}
