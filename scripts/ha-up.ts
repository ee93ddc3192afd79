import { up } from "@/ha/up";

// `npm run ha:up`: the local HA topology (ha/topology.ts has its ports), see docs/operations-ha.md.
await up();
