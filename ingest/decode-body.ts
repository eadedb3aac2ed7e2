import { AppError } from '../platform/errors.ts';
import type { BodyItem } from './ingest-service.ts';

export const JSON_TYPES = ['application/json'];
export const NDJSON_TYPES = ['application/x-ndjson', 'application/ndjson', 'application/jsonl'];

/**
 * Splits a request body into items. A JSON body must be an array of events (or one event);
 * if it cannot be parsed at all the whole body is refused. NDJSON is decoded line by line,
 * so one bad line refuses only that line.
 */
export function decodeBody(body: string, contentType: string): BodyItem[] {
  if (body.trim() === '') throw new AppError('BODY_EMPTY', 'request body is empty: send a JSON array of events or NDJSON');
  const mime = contentType.split(';')[0]!.trim().toLowerCase();
  if (NDJSON_TYPES.includes(mime)) return decodeNdjson(body);
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (err) {
    throw new AppError('BODY_UNPARSEABLE', `request body is not valid JSON: ${(err as Error).message}`);
  }
  if (Array.isArray(parsed)) return parsed.map((value) => ({ raw: JSON.stringify(value) ?? 'undefined', value }));
  if (parsed !== null && typeof parsed === 'object') return [{ raw: body, value: parsed }];
  throw new AppError('BODY_UNPARSEABLE', 'request body must be a JSON array of events or a single event object');
}

function decodeNdjson(body: string): BodyItem[] {
  const items: BodyItem[] = [];
  const lines = body.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.replace(/\r$/, '');
    if (raw.trim() === '') continue;
    try {
      items.push({ raw, value: JSON.parse(raw) });
    } catch (err) {
      items.push({ raw, decodeError: `line ${i + 1} is not valid JSON: ${(err as Error).message}` });
    }
  }
  return items;
}
