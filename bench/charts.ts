import { writeFileSync } from "node:fs";
import path from "node:path";
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import type { Results } from "./report";

/** A Vega-Lite spec rendered to SVG in Node (no browser, no network). */
async function svg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: "none" });
  return view.toSVG();
}

const series = { field: "series", type: "nominal", title: null, legend: { orient: "bottom" } } as const;

/** bench/growth.svg (query 1 by dataset and caller) and bench/concurrency.svg. */
export async function writeCharts(r: Results, dir: string) {
  if (r.growth) {
    const values = r.growth.flatMap((g) => [
      { caller: g.label, series: "RLS (the app's query)", p50: g.rls.p50 },
      { caller: g.label, series: "hand-written (owner)", p50: g.handWritten.p50 },
    ]);
    const chart = await svg({
      title: `Growth: p50 by dataset and caller (${r.machine.split(",")[0]})`,
      width: 420,
      data: { values },
      mark: "bar",
      encoding: {
        y: { field: "caller", type: "nominal", sort: null, title: null },
        yOffset: { field: "series" },
        x: { field: "p50", type: "quantitative", title: "p50 ms" },
        color: series,
      },
    });
    writeFileSync(path.join(dir, "growth.svg"), chart);
  }
  if (r.curve) {
    const values = r.curve.flatMap((c) => [
      { connections: c.connections, series: "patients.list", rps: c.app.rps, p95: c.app.p95 },
      { connections: c.connections, series: "unguarded twin", rps: c.twin.rps, p95: c.twin.p95 },
      { connections: c.connections, series: "baseline (page only)", rps: c.baseline.rps, p95: c.baseline.p95 },
    ]);
    const x = {
      field: "connections",
      type: "quantitative",
      scale: { type: "log", base: 2 },
      title: "concurrent connections",
    } as const;
    const chart = await svg({
      title: `Whole stack over HTTP: throughput and p95 by concurrency (${r.machine.split(",")[0]})`,
      data: { values },
      hconcat: [
        {
          width: 300,
          height: 220,
          mark: { type: "line", point: true },
          encoding: { x, y: { field: "rps", type: "quantitative", title: "requests per second" }, color: series },
        },
        {
          width: 300,
          height: 220,
          mark: { type: "line", point: true },
          encoding: { x, y: { field: "p95", type: "quantitative", title: "p95 latency, ms" }, color: series },
        },
      ],
    });
    writeFileSync(path.join(dir, "concurrency.svg"), chart);
  }
}
