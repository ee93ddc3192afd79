"use client";

import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

/** Two small charts: access events per day, and per person. Data tables stay the source of truth. */
export function AccessChart({
  perDay,
  perActor,
}: {
  perDay: { day: string; events: number }[];
  perActor: { name: string; events: number }[];
}) {
  if (perDay.length === 0) return <p className="empty">No access events in the last 30 days.</p>;
  return (
    <div className="chart-grid">
      <figure
        className="chart-box"
        aria-label={`Access events per day: ${perDay.map((d) => `${d.day} ${d.events}`).join(", ")}`}
      >
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={perDay}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="day" fontSize={12} />
            <YAxis allowDecimals={false} fontSize={12} />
            <Tooltip />
            <Bar dataKey="events" fill="#1f5fbf" />
          </BarChart>
        </ResponsiveContainer>
      </figure>
      <figure
        className="chart-box"
        aria-label={`Access events per person: ${perActor.map((a) => `${a.name} ${a.events}`).join(", ")}`}
      >
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={perActor} layout="vertical" margin={{ left: 40 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis type="number" allowDecimals={false} fontSize={12} />
            <YAxis type="category" dataKey="name" width={140} fontSize={12} />
            <Tooltip />
            <Bar dataKey="events" fill="#1f5fbf" />
          </BarChart>
        </ResponsiveContainer>
      </figure>
    </div>
  );
}
