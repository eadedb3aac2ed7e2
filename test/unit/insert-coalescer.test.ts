import { describe, expect, it } from 'vitest';
import { createInsertCoalescer } from '../../storage/insert-coalescer.ts';

/** A write function under the test's control: each call waits until the test settles it. */
function controlledWrites() {
  const calls: { body: string; settle: (err?: Error) => void }[] = [];
  const write = (body: Buffer) =>
    new Promise<void>((resolve, reject) => {
      calls.push({ body: body.toString(), settle: (err) => (err ? reject(err) : resolve()) });
    });
  return { calls, write };
}
const tick = () => new Promise((r) => setImmediate(r));

describe('insert coalescer', () => {
  it('writes a lone batch at once', async () => {
    const w = controlledWrites();
    const c = createInsertCoalescer({ write: w.write, maxInFlight: 1 });
    const p = c.insert(Buffer.from('a\n'));
    expect(w.calls.map((x) => x.body)).toEqual(['a\n']);
    w.calls[0]!.settle();
    await expect(p).resolves.toBeUndefined();
  });

  it('joins the batches that arrive while an INSERT is in flight into the next one, in order', async () => {
    const w = controlledWrites();
    const c = createInsertCoalescer({ write: w.write, maxInFlight: 1 });
    const done: string[] = [];
    const ps = ['a\n', 'b\n', 'c\n', 'd\n'].map((b) => c.insert(Buffer.from(b)).then(() => done.push(b)));
    expect(w.calls.map((x) => x.body)).toEqual(['a\n']);
    w.calls[0]!.settle();
    await tick();
    expect(done).toEqual(['a\n']);
    expect(w.calls.map((x) => x.body)).toEqual(['a\n', 'b\nc\nd\n']);
    w.calls[1]!.settle();
    await Promise.all(ps);
    expect(done).toEqual(['a\n', 'b\n', 'c\n', 'd\n']);
  });

  it('keeps at most maxInFlight INSERTs running', async () => {
    const w = controlledWrites();
    const c = createInsertCoalescer({ write: w.write, maxInFlight: 2 });
    const ps = ['a', 'b', 'c', 'd'].map((b) => c.insert(Buffer.from(b)));
    expect(w.calls.map((x) => x.body)).toEqual(['a', 'b']);
    w.calls[1]!.settle();
    await tick();
    expect(w.calls.map((x) => x.body)).toEqual(['a', 'b', 'cd']);
    w.calls[0]!.settle();
    w.calls[2]!.settle();
    await Promise.all(ps);
  });

  it('rejects exactly the callers whose rows were in a failed INSERT; later ones still succeed', async () => {
    const w = controlledWrites();
    const c = createInsertCoalescer({ write: w.write, maxInFlight: 1 });
    const a = c.insert(Buffer.from('a'));
    const b = c.insert(Buffer.from('b'));
    const cc = c.insert(Buffer.from('c'));
    w.calls[0]!.settle();
    await tick();
    w.calls[1]!.settle(new Error('engine down'));
    await expect(a).resolves.toBeUndefined();
    await expect(b).rejects.toThrow('engine down');
    await expect(cc).rejects.toThrow('engine down');
    const d = c.insert(Buffer.from('d'));
    expect(w.calls.map((x) => x.body)).toEqual(['a', 'bc', 'd']);
    w.calls[2]!.settle();
    await expect(d).resolves.toBeUndefined();
  });

  describe('a joined INSERT the engine refuses (isolate)', () => {
    const refused = (err: unknown) => (err as Error).message.startsWith('refused');
    /** A store that refuses any body containing the line `bad`. */
    const store = () => {
      const bodies: string[] = [];
      const write = (body: Buffer) => {
        bodies.push(body.toString());
        return body.toString().split('\n').includes('bad') ? Promise.reject(new Error('refused: bad row')) : Promise.resolve();
      };
      return { bodies, write };
    };
    async function joined(isolate?: (err: unknown) => boolean) {
      const s = store();
      const c = createInsertCoalescer({ write: s.write, maxInFlight: 1, ...(isolate ? { isolate } : {}) });
      const first = c.insert(Buffer.from('a\n'));
      const parts = ['b\n', 'bad\nc\n', 'd\n'].map((b) =>
        c.insert(Buffer.from(b)).then(
          () => 'stored',
          (err: unknown) => (err as Error).message,
        ),
      );
      await first;
      return { results: await Promise.all(parts), bodies: s.bodies };
    }

    it('writes each part again alone: only the caller with the bad rows fails', async () => {
      const { results, bodies } = await joined(refused);
      expect(results).toEqual(['stored', 'refused: bad row', 'stored']);
      expect(bodies).toEqual(['a\n', 'b\nbad\nc\nd\n', 'b\n', 'bad\nc\n', 'd\n']);
    });

    it('negative control: without isolate every caller of the joined INSERT fails, every time', async () => {
      const { results } = await joined();
      expect(results).toEqual(['refused: bad row', 'refused: bad row', 'refused: bad row']);
    });

    it('does not split on a failure it does not isolate (a store that is down fails all at once)', async () => {
      const calls: string[] = [];
      const c = createInsertCoalescer({
        write: (b) => (calls.push(b.toString()), Promise.reject(new Error('engine down'))),
        isolate: refused,
      });
      const first = c.insert(Buffer.from('a')).catch(() => undefined);
      const rest = [c.insert(Buffer.from('b')), c.insert(Buffer.from('c'))].map((p) => p.catch((e: unknown) => (e as Error).message));
      await first;
      expect(await Promise.all(rest)).toEqual(['engine down', 'engine down']);
      expect(calls).toEqual(['a', 'bc']);
    });
  });
});
