export interface Stats {
  p50: number;
  p95: number;
  mean: number;
  n: number;
}

export function stats(samples: number[]): Stats {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return { p50: at(0.5), p95: at(0.95), mean: s.reduce((a, b) => a + b, 0) / s.length, n: s.length };
}

/** Runs `fn` `warmup` times unmeasured, then `n` times, and returns milliseconds per run. */
export async function measure(fn: () => Promise<unknown>, n: number, warmup = 20): Promise<Stats> {
  for (let i = 0; i < warmup; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  return stats(samples);
}

export const ms = (x: number) => x.toFixed(2);
