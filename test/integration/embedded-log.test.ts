import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { createEmbeddedLog } from '../../platform/event-log/embedded.ts';
import type { ConsumedBatch } from '../../platform/event-log/types.ts';

const logger = pino({ level: 'silent' });
const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'ews-log-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const rec = (i: number) => ({ key: `k${i % 3}`, value: JSON.stringify({ i }) });

async function consumeAll(dir: string, group: string, expected: number, handler?: (b: ConsumedBatch) => Promise<void>) {
  const log = createEmbeddedLog({ dir, logger });
  const seen: number[] = [];
  const sub = await log.subscribe({
    topics: ['t'],
    group,
    maxBatchRecords: 7,
    handler: async (b) => {
      await handler?.(b);
      for (const r of b.records) seen.push((JSON.parse(r.value) as { i: number }).i);
    },
  });
  while (seen.length < expected) await new Promise((r) => setTimeout(r, 5));
  await sub.close();
  await log.close();
  return seen;
}

describe('embedded durable log', () => {
  it('appends durably (group-committed) and delivers every record once, in order', async () => {
    const dir = tmp();
    const log = createEmbeddedLog({ dir, logger });
    await Promise.all(
      Array.from({ length: 10 }, (_, b) =>
        log.append(
          't',
          Array.from({ length: 10 }, (_, j) => rec(b * 10 + j)),
        ),
      ),
    );
    await log.close();
    const seen = await consumeAll(dir, 'g', 100);
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(new Set(seen).size).toBe(100);
  });

  it('resumes a group from its committed offset after a restart', async () => {
    const dir = tmp();
    const log = createEmbeddedLog({ dir, logger });
    await log.append(
      't',
      Array.from({ length: 20 }, (_, i) => rec(i)),
    );
    await log.close();
    expect(await consumeAll(dir, 'g', 20)).toHaveLength(20);
    const again = createEmbeddedLog({ dir, logger });
    await again.append('t', [rec(20), rec(21)]);
    await again.close();
    expect(await consumeAll(dir, 'g', 2)).toEqual([20, 21]);
    // Another group starts from the beginning.
    expect(await consumeAll(dir, 'other', 22)).toHaveLength(22);
  });

  it('retries a failing batch without skipping it and commits only after success', async () => {
    const dir = tmp();
    const log = createEmbeddedLog({ dir, logger });
    await log.append(
      't',
      Array.from({ length: 5 }, (_, i) => rec(i)),
    );
    await log.close();
    let failures = 0;
    const seen = await consumeAll(dir, 'g', 5, () => {
      if (failures++ < 2) return Promise.reject(new Error('store down'));
      return Promise.resolve();
    });
    expect(seen).toEqual([0, 1, 2, 3, 4]);
    expect(failures).toBe(3);
    expect(Number(readFileSync(join(dir, 't.g.offset'), 'utf8'))).toBe(statSync(join(dir, 't.log')).size);
  });

  it('drops a torn tail left by a crash mid-write', async () => {
    const dir = tmp();
    const log = createEmbeddedLog({ dir, logger });
    await log.append('t', [rec(0), rec(1)]);
    await log.close();
    appendFileSync(join(dir, 't.log'), 'k0\t{"i":2');
    const reopened = createEmbeddedLog({ dir, logger });
    await reopened.append('t', [rec(3)]);
    await reopened.close();
    expect(await consumeAll(dir, 'g', 3)).toEqual([0, 1, 3]);
  });
});
