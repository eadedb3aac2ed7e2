/** The fields the error classifiers read, on any error-like object. */
export interface ErrorLike {
  name?: unknown;
  message?: unknown;
  type?: unknown;
  code?: unknown;
  clickhouseCode?: unknown;
  cause?: unknown;
  originalError?: unknown;
}

/** The error and its causes (`cause`, or kafkajs's `originalError`), outermost first, at most 8. */
export function* causeChain(err: unknown): Generator<ErrorLike> {
  for (let e = err, depth = 0; e !== null && typeof e === 'object' && depth < 8; depth++) {
    const link = e as ErrorLike;
    yield link;
    e = link.cause ?? link.originalError;
  }
}
