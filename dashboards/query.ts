import { z } from 'zod';
import { AppError } from '../platform/errors.ts';
import { parseDay } from '../platform/days.ts';

/** The longest range a read may ask for, in days. */
export const MAX_RANGE_DAYS = 3 * 366;

/** A query parameter that is a day, YYYY-MM-DD. */
export const day = z.string().refine((s) => !Number.isNaN(parseDay(s)), 'must be a date YYYY-MM-DD');

/** The query parsed by `schema`, or BAD_QUERY (400) naming each bad parameter. */
export function parseQuery<S extends z.ZodType>(schema: S, query: unknown): z.output<S> {
  const r = schema.safeParse(query);
  if (!r.success) {
    // An unknown parameter (a strict schema) is named, one detail per key.
    const details = r.error.issues.flatMap((i) =>
      i.code === 'unrecognized_keys'
        ? i.keys.map((k) => ({ path: k, message: 'unknown parameter / tham số không được hỗ trợ' }))
        : [{ path: i.path.join('.'), message: i.message }],
    );
    throw new AppError('BAD_QUERY', details.map((d) => `${d.path}: ${d.message}`).join('; '), { details });
  }
  return r.data;
}

/** BAD_QUERY unless from ≤ to and the range is at most MAX_RANGE_DAYS. */
export function checkRange(from: string, to: string): void {
  const span = parseDay(to) - parseDay(from);
  if (span < 0)
    throw new AppError('BAD_QUERY', 'to: must not be before from', { details: [{ path: 'to', message: 'must not be before from' }] });
  if (span > MAX_RANGE_DAYS)
    throw new AppError('BAD_QUERY', `to: range is limited to ${MAX_RANGE_DAYS} days`, {
      details: [{ path: 'to', message: `range is limited to ${MAX_RANGE_DAYS} days` }],
    });
}
