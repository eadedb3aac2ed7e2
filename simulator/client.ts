/** Sends NDJSON batches to an ingest endpoint and tallies the answers. */
export interface SendTally {
  sent: number;
  accepted: number;
  duplicates: number;
  rejected: number;
}

export function createIngestClient(baseUrl: string) {
  const tally: SendTally = { sent: 0, accepted: 0, duplicates: 0, rejected: 0 };
  return {
    tally,
    async send(lines: readonly string[]): Promise<void> {
      if (lines.length === 0) return;
      const res = await fetch(`${baseUrl}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-ndjson' },
        body: lines.join('\n'),
      });
      const body = (await res.json()) as { accepted?: number; duplicates?: number; rejected?: unknown[]; error?: { message: string } };
      if (!res.ok) throw new Error(`ingest answered ${res.status}: ${body.error?.message ?? 'no message'}`);
      tally.sent += lines.length;
      tally.accepted += body.accepted ?? 0;
      tally.duplicates += body.duplicates ?? 0;
      tally.rejected += body.rejected?.length ?? 0;
    },
  };
}
