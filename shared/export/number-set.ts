/**
 * A set of 53-bit hashes in one Float64Array with open addressing: 16 bytes per entry at most (the
 * table doubles at half load), against 40 or more for a `Set<number>` of non-small integers. Dedup
 * and the conversation-order check keep one entry per written line / per conversation in it.
 */
export class NumberSet {
  private table = new Float64Array(1024).fill(-1);
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Adds `value` (a non-negative integer below 2^53); false when it was already there. */
  add(value: number): boolean {
    if ((this.count + 1) * 2 > this.table.length) this.grow();
    const inserted = NumberSet.insert(this.table, value);
    if (inserted) this.count += 1;
    return inserted;
  }

  has(value: number): boolean {
    const mask = this.table.length - 1;
    for (let slot = value % this.table.length; ; slot = (slot + 1) & mask) {
      const here = this.table[slot];
      if (here === -1) return false;
      if (here === value) return true;
    }
  }

  private static insert(table: Float64Array, value: number): boolean {
    const mask = table.length - 1;
    for (let slot = value % table.length; ; slot = (slot + 1) & mask) {
      const here = table[slot];
      if (here === value) return false;
      if (here === -1) {
        table[slot] = value;
        return true;
      }
    }
  }

  private grow(): void {
    const next = new Float64Array(this.table.length * 2).fill(-1);
    for (const value of this.table) if (value !== -1) NumberSet.insert(next, value);
    this.table = next;
  }
}
