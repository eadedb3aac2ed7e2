/**
 * Which failures of an INSERT say that the engine refused the rows themselves: a value it cannot
 * parse or hold. Retrying the same rows fails the same way, but the same INSERT without the bad
 * rows succeeds, so a writer splits the batch (processors/count/count-processor.ts) instead of retrying
 * it. Narrower than "not retryable" (platform/retryable.ts): a statement the engine refuses for
 * every row alike (an unknown table or column, a syntax error) is a deployment fault, not bad
 * rows, and splitting the batch would dead-letter every record of it.
 */

/** ClickHouse error codes raised while reading the values of inserted rows (src/Common/ErrorCodes.cpp). */
export const ROW_REFUSED_CODES: ReadonlyMap<number, string> = new Map([
  [6, 'CANNOT_PARSE_TEXT'],
  [25, 'CANNOT_PARSE_ESCAPE_SEQUENCE'],
  [26, 'CANNOT_PARSE_QUOTED_STRING'],
  [27, 'CANNOT_PARSE_INPUT_ASSERTION_FAILED'],
  [38, 'CANNOT_PARSE_DATE'],
  [41, 'CANNOT_PARSE_DATETIME'],
  [53, 'TYPE_MISMATCH'],
  [69, 'ARGUMENT_OUT_OF_BOUND'],
  [70, 'CANNOT_CONVERT_TYPE'],
  [72, 'CANNOT_PARSE_NUMBER'],
  [117, 'INCORRECT_DATA'],
  [130, 'CANNOT_READ_ARRAY_FROM_TEXT'],
  [131, 'TOO_LARGE_STRING_SIZE'],
  [321, 'VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE'],
  [349, 'CANNOT_INSERT_NULL_IN_ORDINARY_COLUMN'],
]);

/** Longest part of the engine's message kept as a reason. */
const REASON_CAP = 500;

interface EngineErrorLike {
  message?: unknown;
  code?: unknown;
  type?: unknown;
  clickhouseCode?: unknown;
  cause?: unknown;
}

/**
 * The engine's reason when `err` (or one of its causes) says it refused the inserted rows'
 * values, else undefined (unavailable, closed, a refused statement, anything else).
 * Reads chDB's `clickhouseCode`, a server error's numeric `code` (@clickhouse/client), or the
 * `Code: N.` its message starts with.
 */
export function rowsRefusedReason(err: unknown): string | undefined {
  for (let e = err, depth = 0; e !== null && typeof e === 'object' && depth < 8; depth++) {
    const link = e as EngineErrorLike;
    const message = typeof link.message === 'string' ? link.message : '';
    const code = engineCode(link, message);
    if (code !== undefined) {
      if (!ROW_REFUSED_CODES.has(code)) return undefined;
      const firstLine = message.split('\n', 1)[0] ?? '';
      return firstLine.length > REASON_CAP ? `${firstLine.slice(0, REASON_CAP)}…` : firstLine;
    }
    e = link.cause;
  }
  return undefined;
}

function engineCode(e: EngineErrorLike, message: string): number | undefined {
  if (typeof e.clickhouseCode === 'number') return e.clickhouseCode;
  if (typeof e.code === 'string' && /^\d+$/.test(e.code)) return Number(e.code);
  const m = /^Code: (\d+)\. /.exec(message);
  return m ? Number(m[1]) : undefined;
}
