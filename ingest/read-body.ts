import type { Readable } from 'node:stream';

/** What was read of a body: all of it, or (over the limit) its beginning and how much came. */
export type ReadBody = { ok: true; body: Buffer } | { ok: false; reason: 'too_large' | 'length_mismatch'; head: Buffer; bytes: number };

/**
 * Reads a request body of at most `limit` bytes. A longer one (declared by Content-Length or
 * found while reading) is refused with its first `keep` bytes, so the dead letter of a 413
 * carries the payload's beginning; reading stops there. fastify's own reader (`parseAs`) drops
 * what it read on a 413, hence this one.
 */
export function readBody(
  stream: Readable,
  options: { limit: number; keep: number; declaredLength?: number | undefined },
): Promise<ReadBody> {
  const { limit, keep } = options;
  const declared = options.declaredLength;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const finish = (result: ReadBody) => {
      stream.removeListener('data', onData);
      stream.removeListener('end', onEnd);
      stream.removeListener('error', onError);
      resolve(result);
    };
    const head = () => {
      const all = Buffer.concat(chunks);
      return all.length > keep ? all.subarray(0, keep) : all;
    };
    function onData(chunk: Buffer | string) {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      chunks.push(buf);
      received += buf.length;
      if (received > limit) finish({ ok: false, reason: 'too_large', head: head(), bytes: Math.max(received, declared ?? 0) });
      // Declared too large: only the kept beginning is read.
      else if (declared !== undefined && declared > limit && received >= keep) {
        finish({ ok: false, reason: 'too_large', head: head(), bytes: declared });
      }
    }
    function onEnd() {
      if (declared !== undefined && declared > limit) return finish({ ok: false, reason: 'too_large', head: head(), bytes: declared });
      if (declared !== undefined && declared !== received) {
        return finish({ ok: false, reason: 'length_mismatch', head: head(), bytes: received });
      }
      // A copy: the chunks may be views of the socket's read buffers.
      finish({ ok: true, body: Buffer.concat(chunks, received) });
    }
    function onError(err: Error) {
      stream.removeListener('data', onData);
      stream.removeListener('end', onEnd);
      reject(err);
    }
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
  });
}
