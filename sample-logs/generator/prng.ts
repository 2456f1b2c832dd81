/**
 * A small seeded PRNG (sfc32) so the sample is byte-identical for a given seed: no Math.random,
 * no wall clock. Each concern draws from its own stream (`Rng.for(seed, label)`), so adding a
 * draw in one place does not shift every other value in the organisation.
 */
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function hashLabel(text: string): number {
  // FNV-1a 32-bit: enough to spread labels into distinct seeds.
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = 0xb7e15162;
    this.d = seed >>> 0;
    for (let warmUp = 0; warmUp < 15; warmUp++) this.next();
  }

  static for(seed: number, label: string): Rng {
    return new Rng(hashLabel(`${seed}:${label}`));
  }

  /** Uniform in [0, 1). */
  next(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t / 4294967296;
  }

  /** Integer in [min, max] inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }

  /** A factor in [1 - spread, 1 + spread]. */
  jitter(spread: number): number {
    return 1 - spread + this.next() * 2 * spread;
  }

  hex(length: number): string {
    let out = '';
    for (let index = 0; index < length; index++) out += '0123456789abcdef'[this.int(0, 15)];
    return out;
  }

  base62(length: number): string {
    let out = '';
    for (let index = 0; index < length; index++) out += BASE62[this.int(0, 61)];
    return out;
  }

  upper(length: number): string {
    let out = '';
    for (let index = 0; index < length; index++) out += BASE62[this.int(10, 35)];
    return out;
  }

  /** A version-4 shaped UUID, as AWS uses for event, request and query ids. */
  uuid(): string {
    const h = this.hex(32);
    const variant = '89ab'[this.int(0, 3)];
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }
}
