// Loaded with `--import` into every Node process of the app under `npm run bench:profile`; acts only
// in the server (scripts/serve.ts): SIGUSR2 starts the V8 sampling profiler, SIGHUP writes the
// profile to $BENCH_PROFILE_DIR and stops it.
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector";

if (process.argv.some((a) => a.endsWith("scripts/serve.ts"))) {
  const session = new Session();
  session.connect();
  const post = (method, params = {}) =>
    new Promise((resolve, reject) => session.post(method, params, (err, res) => (err ? reject(err) : resolve(res))));
  process.on("SIGUSR2", () => {
    void post("Profiler.enable")
      .then(() => post("Profiler.setSamplingInterval", { interval: 200 }))
      .then(() => post("Profiler.start"));
  });
  process.on("SIGHUP", () => {
    void post("Profiler.stop").then(({ profile }) =>
      writeFileSync(`${process.env.BENCH_PROFILE_DIR}/server-${process.pid}.cpuprofile`, JSON.stringify(profile)),
    );
  });
}
