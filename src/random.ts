// A small seeded PRNG (xoshiro128**, seeded through splitmix32) so that initial weights, and later
// shuffles, are identical across runs, machines and backends for the same seed.

export class Random {
  private s0: number; private s1: number; private s2: number; private s3: number;

  constructor(seed: number) {
    let x = seed >>> 0;
    const splitmix32 = () => {
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = splitmix32(); this.s1 = splitmix32(); this.s2 = splitmix32(); this.s3 = splitmix32();
  }

  /** Next 32 random bits as an unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0; this.s3 ^= this.s1; this.s1 ^= this.s2; this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  next(): number {
    const high = this.nextUint32() >>> 5; // 27 bits
    const low = this.nextUint32() >>> 6; //  26 bits
    return (high * 67108864 + low) / 9007199254740992;
  }

  /** Uniform in [-limit, limit). */
  uniform(limit: number): number {
    return (2 * this.next() - 1) * limit;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** A fresh seed for callers who gave none; the network records it so the run can be repeated. */
export function randomSeed(): number {
  return Math.floor(Math.random() * 2 ** 32);
}
