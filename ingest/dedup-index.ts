/**
 * A memory-bounded set of event identities (hospital_id + event_id) that ingest has already
 * accepted, so a resend is answered as a duplicate without a storage round trip. Keys are
 * stored as 64-bit hashes (two 32-bit FNV-1a lanes) in open-addressing tables: ~16 bytes per
 * key at the 50 % load kept here. When the current generation reaches `capacity` it becomes
 * the old one and a new generation starts, so memory stays bounded and only the oldest keys
 * are forgotten. Counting never depends on this index: the store deduplicates exactly.
 */
export interface DedupIndex {
  /** Adds the key; returns false when it was already present. */
  add(hospitalId: string, eventId: string): boolean;
  has(hospitalId: string, eventId: string): boolean;
  readonly size: number;
}

/**
 * The identity (hospital_id, event_id) as one string, injectively: the hospital id's length
 * comes first, so no pair of ids can produce the key of another pair, whatever characters
 * they hold (a separator character could itself occur in an id).
 */
export function identityKey(hospitalId: string, eventId: string): string {
  return `${hospitalId.length}:${hospitalId}${eventId}`;
}

export function createDedupIndex(options: { capacity: number }): DedupIndex {
  let current = new HashSet64(1024);
  let previous: HashSet64 | undefined;
  const perGeneration = Math.max(1024, Math.floor(options.capacity / 2));

  const hash = (h: string, e: string): [number, number] => {
    let a = 0x811c9dc5;
    let b = 0x01000193 ^ 0x5bd1e995;
    const s = identityKey(h, e);
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995);
      b ^= b >>> 15;
    }
    // 0 marks an empty slot, so keys hash into 1..2^32-1 on the first lane.
    return [a >>> 0 || 1, b >>> 0];
  };

  return {
    add(h, e) {
      const [a, b] = hash(h, e);
      if (current.has(a, b) || previous?.has(a, b)) return false;
      if (current.size >= perGeneration) {
        previous = current;
        current = new HashSet64(1024);
      }
      current.add(a, b);
      return true;
    },
    has(h, e) {
      const [a, b] = hash(h, e);
      return current.has(a, b) || (previous?.has(a, b) ?? false);
    },
    get size() {
      return current.size + (previous?.size ?? 0);
    },
  };
}

class HashSet64 {
  private slots: Uint32Array;
  private mask: number;
  size = 0;

  constructor(initial: number) {
    this.slots = new Uint32Array(initial * 2);
    this.mask = initial - 1;
  }

  has(a: number, b: number): boolean {
    for (let i = (a ^ b) & this.mask; ; i = (i + 1) & this.mask) {
      const sa = this.slots[i * 2];
      if (sa === 0) return false;
      if (sa === a && this.slots[i * 2 + 1] === b) return true;
    }
  }

  add(a: number, b: number): void {
    if ((this.size + 1) * 2 > this.mask + 1) this.grow();
    this.insert(a, b);
    this.size++;
  }

  private insert(a: number, b: number): void {
    let i = (a ^ b) & this.mask;
    while (this.slots[i * 2] !== 0) i = (i + 1) & this.mask;
    this.slots[i * 2] = a;
    this.slots[i * 2 + 1] = b;
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Uint32Array(old.length * 2);
    this.mask = old.length - 1;
    for (let i = 0; i < old.length; i += 2) if (old[i] !== 0) this.insert(old[i]!, old[i + 1]!);
  }
}
