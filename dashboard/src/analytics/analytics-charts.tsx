// The recharts charts of the analytics page. Only the analytics chunk imports
// this module, so recharts stays out of the initial bundle.
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { formatUsd } from "../lib/format";
import { shortDay, vendorColour, type VendorDayRow } from "./analytics-data";

const axis = { stroke: "var(--muted)", fontSize: 12 };
const tooltipStyle = { background: "var(--surface)", border: "1px solid var(--border)", borderRadius: 8, color: "var(--text)" };

export function TasksPerDayChart({ vendors, rows }: { vendors: string[]; rows: VendorDayRow[] }) {
  return (
    <ResponsiveContainer width="100%" height={260}>
      <BarChart data={rows} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
        <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" vertical={false} />
        <XAxis dataKey="day" tickFormatter={shortDay} tick={axis} minTickGap={16} />
        <YAxis allowDecimals={false} tick={axis} />
        <Tooltip labelFormatter={(day) => shortDay(String(day))} contentStyle={tooltipStyle} cursor={{ fill: "var(--hover)" }} />
        <Legend />
        {vendors.map((vendor, index) => (
          <Bar key={vendor} dataKey={vendor} name={vendor} stackId="tasks" fill={vendorColour(vendor, index)} isAnimationActive={false} />
        ))}
      </BarChart>
    </ResponsiveContainer>
  );
}

export function CostPerDayChart({ rows }: { rows: { day: string; costUsd: number }[] }) {
  return (
    <ResponsiveContainer width="100%" height={220}>
      <BarChart data={rows} margin={{ top: 8, right: 8, bottom: 0, left: -8 }}>
        <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" vertical={false} />
        <XAxis dataKey="day" tickFormatter={shortDay} tick={axis} minTickGap={16} />
        <YAxis tickFormatter={(value: number) => `$${value}`} tick={axis} />
        <Tooltip
          labelFormatter={(day) => shortDay(String(day))}
          formatter={(value) => [formatUsd(Number(value)), "cost"]}
          contentStyle={tooltipStyle}
          cursor={{ fill: "var(--hover)" }}
        />
        <Bar dataKey="costUsd" name="cost" fill="var(--chart-cost)" isAnimationActive={false} />
      </BarChart>
    </ResponsiveContainer>
  );
}
