/**
 * What a ClickHouse engine error says, read once for every caller: the error code (chDB's
 * `clickhouseCode`, a server error's numeric `code`, or the `Code: N.` a message starts with)
 * and whether the engine refused the rows' values or the statement itself.
 *
 * - `rows`: a value it cannot parse or hold. Retrying the same rows fails the same way, but the
 *   same INSERT without the bad rows succeeds, so a writer splits the batch
 *   (processors/count/count-processor.ts) instead of retrying it.
 * - `statement`: refused for every row alike (an unknown column or identifier, a syntax error):
 *   a deployment fault, not bad rows; splitting would dead-letter every record of the batch.
 *
 * Both are never worth a retry (platform/retryable.ts reads the same table); every other code
 * (a detached or missing table, memory, too many parts, a timeout) may pass.
 */
import { causeChain, type ErrorLike } from './error-chain.ts';

export type EngineRefusal = 'rows' | 'statement';

/** ClickHouse error codes that refuse an INSERT on every attempt (src/Common/ErrorCodes.cpp). */
export const ENGINE_REFUSALS: ReadonlyMap<number, { name: string; refuses: EngineRefusal }> = new Map([
  [6, { name: 'CANNOT_PARSE_TEXT', refuses: 'rows' }],
  [16, { name: 'NO_SUCH_COLUMN_IN_TABLE', refuses: 'statement' }],
  [25, { name: 'CANNOT_PARSE_ESCAPE_SEQUENCE', refuses: 'rows' }],
  [26, { name: 'CANNOT_PARSE_QUOTED_STRING', refuses: 'rows' }],
  [27, { name: 'CANNOT_PARSE_INPUT_ASSERTION_FAILED', refuses: 'rows' }],
  [38, { name: 'CANNOT_PARSE_DATE', refuses: 'rows' }],
  [41, { name: 'CANNOT_PARSE_DATETIME', refuses: 'rows' }],
  [47, { name: 'UNKNOWN_IDENTIFIER', refuses: 'statement' }],
  [53, { name: 'TYPE_MISMATCH', refuses: 'rows' }],
  [62, { name: 'SYNTAX_ERROR', refuses: 'statement' }],
  [69, { name: 'ARGUMENT_OUT_OF_BOUND', refuses: 'rows' }],
  [70, { name: 'CANNOT_CONVERT_TYPE', refuses: 'rows' }],
  [72, { name: 'CANNOT_PARSE_NUMBER', refuses: 'rows' }],
  [117, { name: 'INCORRECT_DATA', refuses: 'rows' }],
  [130, { name: 'CANNOT_READ_ARRAY_FROM_TEXT', refuses: 'rows' }],
  [131, { name: 'TOO_LARGE_STRING_SIZE', refuses: 'rows' }],
  [321, { name: 'VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE', refuses: 'rows' }],
  [349, { name: 'CANNOT_INSERT_NULL_IN_ORDINARY_COLUMN', refuses: 'rows' }],
]);

/** Longest part of the engine's message kept as a reason. */
const REASON_CAP = 500;

/** The first engine error in `err`'s cause chain: its code and message, else undefined. */
export function engineError(err: unknown): { code: number; message: string } | undefined {
  for (const link of causeChain(err)) {
    const message = typeof link.message === 'string' ? link.message : '';
    const code = engineCode(link, message);
    if (code !== undefined) return { code, message };
  }
  return undefined;
}

/**
 * The engine's reason when `err` (or one of its causes) says it refused the inserted rows'
 * values, else undefined (unavailable, closed, a refused statement, anything else).
 */
export function rowsRefusedReason(err: unknown): string | undefined {
  const e = engineError(err);
  if (!e || ENGINE_REFUSALS.get(e.code)?.refuses !== 'rows') return undefined;
  const firstLine = e.message.split('\n', 1)[0] ?? '';
  return firstLine.length > REASON_CAP ? `${firstLine.slice(0, REASON_CAP)}…` : firstLine;
}

function engineCode(e: ErrorLike, message: string): number | undefined {
  if (typeof e.clickhouseCode === 'number') return e.clickhouseCode;
  if (typeof e.code === 'string' && /^\d+$/.test(e.code)) return Number(e.code);
  const m = /^Code: (\d+)\. /.exec(message);
  return m ? Number(m[1]) : undefined;
}
