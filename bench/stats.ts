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

const timed = async (fn: () => Promise<unknown>) => {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
};

/** Runs `fn` `warmup` times unmeasured, then `n` times, and returns milliseconds per run. */
export async function measure(fn: () => Promise<unknown>, n: number, warmup = 20): Promise<Stats> {
  const [s] = await measureInterleaved([fn], n, warmup);
  return s;
}

/**
 * Runs the forms of one comparison in turn (A, B, A, B …) so that drift of a shared machine hits
 * each alike; milliseconds per run of each form.
 */
export async function measureInterleaved(fns: (() => Promise<unknown>)[], n: number, warmup = 20): Promise<Stats[]> {
  for (let i = 0; i < warmup; i++) for (const fn of fns) await fn();
  const samples = fns.map(() => [] as number[]);
  for (let i = 0; i < n; i++) for (const [k, fn] of fns.entries()) samples[k].push(await timed(fn));
  return samples.map(stats);
}

/** The median and range of repeated measurements (the spread reported next to a ratio). */
export function spread(values: number[]) {
  const s = [...values].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], min: s[0], max: s[s.length - 1] };
}

export const ms = (x: number) => x.toFixed(2);
