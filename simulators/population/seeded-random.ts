const BYTE_HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/**
 * A small, fast, seeded pseudo-random generator (sfc32, Chris Doty-Humphrey's Small Fast
 * Chaotic PRNG) so a population is the same for the same seed on every machine. Not for
 * anything secret. It needs only add, xor and shifts: Math.imul is some 25 times slower
 * inside a vm context (jest's test environment), which made mulberry32 dominate generation;
 * for the same reason the hot paths below avoid Math.floor.
 * https://pracrand.sourceforge.net/RNG_engines.txt
 */
export class SeededRandom {
  private readonly state = new Int32Array(4);

  constructor(seed: number) {
    if (!Number.isSafeInteger(seed)) throw new TypeError(`seed must be an integer, got ${String(seed)}`);
    // Spread the seed over the four words (splitmix32 steps), then discard the first outputs.
    let x = (seed ^ Math.floor(seed / 0x1_0000_0000)) >>> 0;
    for (let i = 0; i < 4; i += 1) {
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
      z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
      this.state[i] = z ^ (z >>> 15);
    }
    for (let i = 0; i < 12; i += 1) this.next();
  }

  /** A float in [0, 1). */
  next(): number {
    const s = this.state;
    const a = s[0] as number;
    const b = s[1] as number;
    const c = s[2] as number;
    const d = s[3] as number;
    const t = (((a + b) | 0) + d) | 0;
    s[0] = b ^ (b >>> 9);
    s[1] = (c + (c << 3)) | 0;
    s[2] = (((c << 21) | (c >>> 11)) + t) | 0;
    s[3] = (d + 1) | 0;
    return (t >>> 0) / 4_294_967_296;
  }

  /** An integer in [min, maxExclusive). */
  int(min: number, maxExclusive: number): number {
    // x - x % 1 is floor for x >= 0, without Math.floor (slow in a vm context too).
    const offset = this.next() * (maxExclusive - min);
    return min + (offset - (offset % 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    return items[(this.next() * items.length) | 0] as T;
  }

  /** One element, chosen in proportion to `weight(item)`. */
  weighted<T>(items: readonly T[], weight: (item: T) => number): T {
    const total = items.reduce((sum, item) => sum + weight(item), 0);
    let r = this.next() * total;
    for (const item of items) {
      r -= weight(item);
      if (r < 0) return item;
    }
    return items[items.length - 1] as T;
  }

  /** `length` lower-case hex digits. */
  hex(length: number): string {
    let out = '';
    while (out.length < length) {
      const word = (this.next() * 0x1_0000_0000) >>> 0;
      out += BYTE_HEX[word >>> 24]! + BYTE_HEX[(word >>> 16) & 0xff]! + BYTE_HEX[(word >>> 8) & 0xff]! + BYTE_HEX[word & 0xff]!;
    }
    return out.length === length ? out : out.slice(0, length);
  }

  /** A version-4-shaped UUID. */
  uuid(): string {
    const h = this.hex(32);
    const variant = '89ab'[parseInt(h[16] as string, 16) & 3];
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }
}
