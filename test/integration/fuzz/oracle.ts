import { createHash } from 'node:crypto';
import type { Fix, Verdict } from './arbitraries.ts';
import { MAX_EVENT_DEPTH } from '../../../ingest/decode-body.ts';
import { jsonDepth } from '../../../ingest/json-spans.ts';
import { privatePayload } from '../../../ingest/private-payload.ts';
import { scrubBytes } from '../../../ingest/scrub.ts';
import { testPseudonym } from '../../helpers/privacy.ts';

/** Dead letters keep the first 64 KiB of what was received (ingest/README.md). */
export const RAW_CAP = 64 * 1024;
/** The answer may grow by at most this much per event of the body (issue 8: echo is capped). */
export const ANSWER_BYTES_PER_ITEM = 24 * 1024;
export const MAX_ERRORS_PER_EVENT = 20;
/** No string in an answer is longer than this (echoed values are cut at 200 characters). */
export const MAX_ANSWER_STRING = 4096;

/** One item of a planned body, with what the contract says about it. */
export interface PlannedItem {
  /** The item's bytes as sent: one JSON value of an array, or one NDJSON line. */
  bytes: Buffer;
  verdict: Verdict | 'duplicate';
  /** The defect of issue 8 this item probes, if any: named in failure messages. */
  fix?: Fix | undefined;
  why: string;
  /** For items that may be accepted: the identity, and where they must be counted. */
  identity?: { hospital_id: string; event_id: string; commune_code: string; day: string; series: '_visits' | '_tests' } | undefined;
}

export interface IngestAnswer {
  accepted: number;
  duplicates: number;
  rejected: { index: number; event_id: string | null; errors: { path: string; message: string }[] }[];
}

export interface DeadLetterRow {
  sha: string;
  raw_bytes: number;
  raw_truncated: boolean;
  reason_code: string;
  reason_len: number;
  details_len: number;
}

export interface StoredEvent {
  hospital_id: string;
  event_id: string;
  commune_code: string;
  day: string;
  n: number;
}

export const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** What the dead letter of these received bytes holds: the first 64 KiB, flagged when cut. */
export function expectedLetter(bytes: Buffer): { sha: string; raw_bytes: number; raw_truncated: boolean } {
  return { sha: sha256(bytes.subarray(0, RAW_CAP)), raw_bytes: bytes.length, raw_truncated: bytes.length > RAW_CAP };
}

/**
 * What the dead letter of a refused item keeps (ingest/README.md, privacy): an event read as
 * JSON with patient_id pseudonymised and free text scrubbed (its bytes unchanged when there was
 * nothing to replace), an item that could not be read scrubbed as text.
 */
export function keptOfItem(bytes: Buffer): Buffer {
  const text = bytes.toString('utf8');
  let value: unknown;
  try {
    if (!Buffer.from(text, 'utf8').equals(bytes) || jsonDepth(text) > MAX_EVENT_DEPTH) throw new Error('not an event');
    value = JSON.parse(text);
  } catch {
    return Buffer.from(scrubBytes(bytes));
  }
  return Buffer.from(privatePayload(text, value, testPseudonym), 'utf8');
}

/**
 * The dead letter of a body refused whole: the bytes received (their first 64 KiB when it was
 * refused while arriving, `cut`), scrubbed as text; raw_bytes counts what was received when cut.
 */
export function expectedBodyLetter(body: Buffer, cut: boolean): { sha: string; raw_bytes: number; raw_truncated: boolean } {
  const kept = Buffer.from(scrubBytes(cut ? body.subarray(0, RAW_CAP) : body));
  const total = Math.max(cut ? body.length : kept.length, kept.length);
  const stored = kept.subarray(0, RAW_CAP);
  return { sha: sha256(stored), raw_bytes: total, raw_truncated: total > stored.length };
}

const isInt = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0;

/** Shape and size of a `{accepted, duplicates, rejected}` answer; problems as text. */
export function checkAnswerShape(answer: unknown, bodyItems: number, answerBytes: number): string[] {
  const p: string[] = [];
  const a = answer as IngestAnswer;
  if (!isInt(a?.accepted) || !isInt(a?.duplicates) || !Array.isArray(a?.rejected))
    return [`not an ingest answer: ${JSON.stringify(answer).slice(0, 300)}`];
  if (answerBytes > 1024 + bodyItems * ANSWER_BYTES_PER_ITEM) p.push(`answer of ${answerBytes} bytes for ${bodyItems} items`);
  for (const r of a.rejected) {
    if (!isInt(r.index) || !(r.event_id === null || typeof r.event_id === 'string') || !Array.isArray(r.errors)) {
      p.push(`bad rejection ${JSON.stringify(r).slice(0, 300)}`);
      continue;
    }
    if (r.errors.length < 1 || r.errors.length > MAX_ERRORS_PER_EVENT) p.push(`rejection ${r.index} has ${r.errors.length} errors`);
    if (typeof r.event_id === 'string' && r.event_id.length > MAX_ANSWER_STRING)
      p.push(`rejection ${r.index} echoes an event_id of ${r.event_id.length}`);
    for (const e of r.errors) {
      if (typeof e?.path !== 'string' || typeof e?.message !== 'string') p.push(`bad error ${JSON.stringify(e).slice(0, 200)}`);
      else if (e.path.length > MAX_ANSWER_STRING || e.message.length > MAX_ANSWER_STRING)
        p.push(`rejection ${r.index}: error of ${e.path.length}+${e.message.length} characters`);
    }
  }
  return p;
}

/** Shape of a whole-body refusal: `{ error: { code, message, details? } }`, small. */
export function checkErrorShape(answer: unknown, answerBytes: number): string[] {
  const e = (answer as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  if (typeof e?.code !== 'string' || typeof e.message !== 'string') return [`not an error answer: ${JSON.stringify(answer).slice(0, 300)}`];
  return answerBytes > 8192 ? [`error answer of ${answerBytes} bytes`] : [];
}

/** Multiset difference of dead letters expected and found; problems as text. */
export function compareLetters(
  expected: readonly { sha: string; raw_bytes: number; raw_truncated: boolean; why: string }[],
  found: readonly DeadLetterRow[],
  opts: { compareBytes: boolean },
): string[] {
  const p: string[] = [];
  if (expected.length !== found.length)
    p.push(
      `${found.length} dead letters written (${found.map((f) => `${f.reason_code} ${f.raw_bytes} B`).join(', ')}), ${expected.length} expected`,
    );
  for (const f of found) {
    if (f.reason_len + f.details_len > 64 * 1024)
      p.push(`dead letter ${f.reason_code} stores ${f.reason_len}+${f.details_len} characters of reason and details`);
  }
  if (!opts.compareBytes) return p;
  const left = [...found];
  for (const e of expected) {
    const i = left.findIndex((f) => f.sha === e.sha && f.raw_bytes === e.raw_bytes && f.raw_truncated === e.raw_truncated);
    if (i < 0) p.push(`no dead letter holds the bytes received of ${e.why} (${e.raw_bytes} bytes)`);
    else left.splice(i, 1);
  }
  return p;
}

/**
 * Checks one answer against the plan; returns problems and the items accepted (their index),
 * `either` items decided by the answer.
 */
export function checkAgainstPlan(plan: readonly PlannedItem[], a: IngestAnswer): { problems: string[]; accepted: number[] } {
  const p: string[] = [];
  const rejected = new Map(a.rejected.map((r) => [r.index, r]));
  if (rejected.size !== a.rejected.length) p.push('an index is rejected twice');
  for (const i of rejected.keys()) if (i >= plan.length) p.push(`rejected index ${i} of ${plan.length} items`);
  const accepted: number[] = [];
  let dups = 0;
  plan.forEach((item, i) => {
    const r = rejected.get(i);
    if (item.verdict === 'duplicate') {
      dups++;
      if (r) p.push(`item ${i} (${item.why}) rejected: ${JSON.stringify(r.errors).slice(0, 200)}`);
      return;
    }
    if (item.verdict === 'valid' && r) p.push(`valid item ${i} (${item.why}) rejected: ${JSON.stringify(r.errors).slice(0, 300)}`);
    if (item.verdict === 'invalid' && !r) p.push(`invalid item ${i} (${item.why}${item.fix ? `, issue 8: ${item.fix}` : ''}) not rejected`);
    if (!r) accepted.push(i);
  });
  if (a.duplicates !== dups) p.push(`answered ${a.duplicates} duplicates, ${dups} sent`);
  if (a.accepted !== accepted.length) p.push(`answered ${a.accepted} accepted, ${accepted.length} items not rejected`);
  return { problems: p, accepted };
}

/** The stored rows of a run must be exactly the accepted identities, once each, on their day. */
export function checkStored(plan: readonly PlannedItem[], accepted: readonly number[], stored: readonly StoredEvent[]): string[] {
  const p: string[] = [];
  const key = (h: string, e: string) => JSON.stringify([h, e]);
  const byKey = new Map(stored.map((s) => [key(s.hospital_id, s.event_id), s]));
  for (const i of accepted) {
    const id = plan[i]!.identity;
    if (!id) {
      p.push(`item ${i} (${plan[i]!.why}) was accepted but is not an event`);
      continue;
    }
    const s = byKey.get(key(id.hospital_id, id.event_id));
    if (!s) p.push(`accepted item ${i} (${plan[i]!.why}) is not stored as ${key(id.hospital_id, id.event_id).slice(0, 200)}`);
    else {
      if (s.n !== 1) p.push(`item ${i} stored ${s.n} times`);
      if (s.day !== id.day || s.commune_code !== id.commune_code)
        p.push(`item ${i} (${plan[i]!.why}) counted on ${s.commune_code} ${s.day}, expected ${id.commune_code} ${id.day}`);
      byKey.delete(key(id.hospital_id, id.event_id));
    }
  }
  for (const k of byKey.keys()) p.push(`stored but not accepted: ${k.slice(0, 200)}`);
  return p;
}
