import { AppError } from '../../platform/errors.ts';
import type { SyndromeId } from './types.ts';

/**
 * Syndromes travel as bits of one integer inside the classifier, so a classification
 * allocates nothing: each possible set is turned into its (frozen) id list once, up front.
 */
export interface SyndromeBits {
  bit(id: SyndromeId, field: string): number;
  /** The ids in `mask`, in table order. The array is shared and frozen. */
  ids(mask: number): readonly SyndromeId[];
}

export function createSyndromeBits(order: readonly SyndromeId[]): SyndromeBits {
  // 2^n precomputed lists: fine for the ~10 syndromes we have, wasteful past ~16.
  if (order.length > 16) {
    throw new AppError('CONFIG_INVALID', `syndromes: at most 16 supported, got ${order.length}`);
  }
  const index = new Map<SyndromeId, number>(order.map((id, i) => [id, i]));
  const lists: (readonly SyndromeId[])[] = [];
  for (let mask = 0; mask < 1 << order.length; mask++) {
    lists.push(Object.freeze(order.filter((_, i) => (mask & (1 << i)) !== 0)));
  }
  return {
    bit(id, field) {
      const i = index.get(id);
      if (i === undefined) throw new AppError('CONFIG_INVALID', `${field}: unknown syndrome "${id}"`);
      return 1 << i;
    },
    ids: (mask) => lists[mask] ?? [],
  };
}
