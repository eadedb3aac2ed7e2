/**
 * MLLP framing (HL7 v2 Minimal Lower Layer Protocol): each message is sent as
 * 0x0B <message bytes> 0x1C 0x0D. A streaming deframer: bytes in, in chunks of any size
 * (split and concatenated frames alike), complete messages out. Pure: no sockets.
 */

export const VT = 0x0b;
export const FS = 0x1c;
export const CR = 0x0d;

/** What the deframer makes of the bytes pushed so far. */
export type FrameEvent =
  /** A complete message (the bytes between 0x0B and 0x1C 0x0D). */
  | { kind: 'message'; bytes: Buffer }
  /** Bytes outside a frame (before a 0x0B), discarded. */
  | { kind: 'junk'; bytes: number }
  /**
   * A frame longer than the limit, refused: its first `head` bytes (for the MSH of an AR) and its
   * length up to its end. Emitted once the frame ends; its bytes past the head are never kept.
   */
  | { kind: 'oversize'; head: Buffer; bytes: number };

export interface Deframer {
  /** Feeds bytes; returns the events they complete, in order. */
  push(chunk: Buffer): FrameEvent[];
  /** Bytes of a frame begun and not yet ended (a client that disconnects mid-frame leaves these). */
  pending(): number;
}

/** How much of an oversize frame is kept: enough for its MSH segment. */
const HEAD_KEPT = 4096;

/**
 * A deframer that keeps at most `maxMessageBytes` of a frame in progress (the bounded buffer):
 * a longer frame is dropped as it arrives and reported as `oversize` when its end comes.
 */
export function createDeframer(maxMessageBytes: number): Deframer {
  let inFrame = false;
  let parts: Buffer[] = [];
  let length = 0;
  let oversize = false;
  // A 0x1C that ended the previous chunk, whose 0x0D may come with the next one.
  let sawFs = false;
  let junk = 0;

  const keep = (b: Buffer) => {
    if (oversize) {
      length += b.length;
      return;
    }
    if (length + b.length > maxMessageBytes) {
      const head = Buffer.concat([...parts, b]).subarray(0, HEAD_KEPT);
      parts = [Buffer.from(head)];
      oversize = true;
      length += b.length;
      return;
    }
    parts.push(b);
    length += b.length;
  };
  const finish = (out: FrameEvent[]) => {
    const bytes = Buffer.concat(parts);
    out.push(oversize ? { kind: 'oversize', head: bytes.subarray(0, HEAD_KEPT), bytes: length } : { kind: 'message', bytes });
    parts = [];
    length = 0;
    oversize = false;
    inFrame = false;
  };
  const flushJunk = (out: FrameEvent[]) => {
    if (junk > 0) out.push({ kind: 'junk', bytes: junk });
    junk = 0;
  };

  return {
    push(chunk) {
      const out: FrameEvent[] = [];
      let i = 0;
      while (i < chunk.length) {
        if (!inFrame) {
          const start = chunk.indexOf(VT, i);
          if (start === -1) {
            junk += chunk.length - i;
            break;
          }
          junk += start - i;
          flushJunk(out);
          inFrame = true;
          i = start + 1;
          continue;
        }
        if (sawFs) {
          sawFs = false;
          if (chunk[i] === CR) {
            finish(out);
            i += 1;
            continue;
          }
          // A 0x1C inside the message, not its end: it belongs to the message.
          keep(Buffer.of(FS));
        }
        const fs = chunk.indexOf(FS, i);
        if (fs === -1) {
          keep(chunk.subarray(i));
          break;
        }
        keep(chunk.subarray(i, fs));
        if (fs + 1 >= chunk.length) {
          sawFs = true;
          break;
        }
        if (chunk[fs + 1] === CR) {
          finish(out);
          i = fs + 2;
        } else {
          keep(chunk.subarray(fs, fs + 1));
          i = fs + 1;
        }
      }
      if (!inFrame) flushJunk(out);
      return out;
    },
    pending: () => (inFrame ? length + (sawFs ? 1 : 0) : 0),
  };
}

/** One message framed for MLLP. */
export function frame(message: string | Buffer): Buffer {
  const body = typeof message === 'string' ? Buffer.from(message, 'utf8') : message;
  return Buffer.concat([Buffer.of(VT), body, Buffer.of(FS, CR)]);
}
