import { AppError } from '../platform/errors.ts';
import { jsonDepth, splitJsonBody, type Span } from './json-spans.ts';
import type { BodyItem } from './ingest-service.ts';

export const JSON_TYPES = ['application/json'];
export const NDJSON_TYPES = ['application/x-ndjson', 'application/ndjson', 'application/jsonl'];

/**
 * Deepest nesting an event may have. A valid event nests two levels (`diagnoses`); the bound
 * keeps recursive code (validation, JSON.stringify of details) far from the stack's limit.
 */
export const MAX_EVENT_DEPTH = 64;

/**
 * Most events (array elements or NDJSON lines) in one body. Every item may be answered and
 * dead-lettered on its own, so the answer grows with the count of items, not only with the
 * body's bytes: a 16 MiB body of `1,` would be eight million rejections.
 */
export const MAX_BODY_ITEMS = 100_000;

const tooMany = (n: number) =>
  new AppError('BODY_TOO_LARGE', `request body holds ${n} or more events: at most ${MAX_BODY_ITEMS} per request; send smaller batches`);

// Fatal: a body that is not UTF-8 is refused, never folded to U+FFFD (two different ids would
// become one). Stateless between calls, so one decoder serves every request.
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Splits a request body (the bytes received) into items. The body must be UTF-8. A JSON body
 * must be an array of events (or one event); if it cannot be parsed at all the whole body is
 * refused. NDJSON is decoded line by line, so one bad line refuses only that line. An item
 * nested deeper than MAX_EVENT_DEPTH is refused alone, without being parsed. Each item's `raw`
 * is its exact text, whose UTF-8 is the bytes received.
 */
export function decodeBody(body: Uint8Array, contentType: string): BodyItem[] {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    throw new AppError('BODY_NOT_UTF8', 'request body is not valid UTF-8: send JSON encoded as UTF-8');
  }
  if (text.trim() === '') throw new AppError('BODY_EMPTY', 'request body is empty: send a JSON array of events or NDJSON');
  const mime = contentType.split(';')[0]!.trim().toLowerCase();
  return NDJSON_TYPES.includes(mime) ? decodeNdjson(text) : decodeJson(text);
}

function decodeJson(text: string): BodyItem[] {
  const split = splitJsonBody(text);
  if (!split.ok) throw new AppError('BODY_UNPARSEABLE', `request body is not valid JSON: ${split.reason}`);
  if (split.spans.length > MAX_BODY_ITEMS) throw tooMany(split.spans.length);
  if (split.kind === 'scalar') {
    parseOrThrow(text, split.spans[0]!, 'request body');
    throw new AppError('BODY_UNPARSEABLE', 'request body must be a JSON array of events or a single event object');
  }
  return split.spans.map((span, index) => {
    const raw = text.slice(span.start, span.end);
    if (span.depth > MAX_EVENT_DEPTH)
      return { raw, decodeError: tooDeep(span.depth, split.kind === 'array' ? `element ${index}` : 'the event') };
    return { raw, value: parseOrThrow(text, span, split.kind === 'array' ? `element ${index}` : 'request body') };
  });
}

/** One element's value; a syntax error in any element refuses the body (it is not JSON). */
function parseOrThrow(text: string, span: Span, what: string): unknown {
  try {
    return JSON.parse(text.slice(span.start, span.end));
  } catch (err) {
    throw new AppError('BODY_UNPARSEABLE', `request body is not valid JSON: ${what}: ${message(err)}`);
  }
}

function decodeNdjson(body: string): BodyItem[] {
  const items: BodyItem[] = [];
  const lines = body.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.replace(/\r$/, '');
    if (raw.trim() === '') continue;
    if (items.length === MAX_BODY_ITEMS) throw tooMany(MAX_BODY_ITEMS + 1);
    const depth = jsonDepth(raw);
    if (depth > MAX_EVENT_DEPTH) {
      items.push({ raw, decodeError: tooDeep(depth, `line ${i + 1}`) });
      continue;
    }
    try {
      items.push({ raw, value: JSON.parse(raw) });
    } catch (err) {
      items.push({ raw, decodeError: `line ${i + 1} is not valid JSON: ${message(err)}` });
    }
  }
  return items;
}

const tooDeep = (depth: number, what: string) =>
  `${what} is nested ${depth} levels deep: an event may nest at most ${MAX_EVENT_DEPTH} levels`;

// JSON.parse's messages quote part of the input; keep them short.
const message = (err: unknown) => {
  const m = err instanceof Error ? err.message : String(err);
  return m.length > 200 ? `${m.slice(0, 200)}…` : m;
};
