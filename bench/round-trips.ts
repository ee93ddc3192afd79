import net from "node:net";

// Counts what the client writes to PostgreSQL while a request runs. postgres.js writes once per
// batch of queries issued together, and each write is followed by a wait for the answer: the
// writes per request are its round trips. Also the measure of tests/db/pipeline.test.ts.
let counting: { port: number; writes: number } | null = null;
const write = net.Socket.prototype.write;
net.Socket.prototype.write = function (this: net.Socket, ...args: unknown[]) {
  if (counting && this.remotePort === counting.port) counting.writes++;
  return (write as (...a: unknown[]) => boolean).apply(this, args);
} as typeof write;

/** Network writes to `port` during one run of `fn` (nothing else may talk to `port` meanwhile). */
export async function networkWrites(port: number, fn: () => Promise<unknown>): Promise<number> {
  if (counting) throw new Error("networkWrites: one count at a time");
  counting = { port, writes: 0 };
  try {
    await fn();
    return counting.writes;
  } finally {
    counting = null;
  }
}

/** Network writes to `port` per run of `fn`, averaged over `runs` (after one unmeasured run). */
export async function writesPerRun(port: number, fn: () => Promise<unknown>, runs = 20): Promise<number> {
  await fn();
  let writes = 0;
  for (let i = 0; i < runs; i++) writes += await networkWrites(port, fn);
  return writes / runs;
}
