// Spend (area, left axis) and requests (bars, right axis) per day, drawn with recharts.
import { Area, Bar, CartesianGrid, ComposedChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatCount } from '../format/format-count';
import { formatDay } from '../format/format-date-time';
import { formatUsd } from '../format/format-usd';
import type { DailyPoint } from './daily-point';

function formatAxisUsd(value: number): string {
  if (value === 0) return '$0';
  if (value >= 1) return `$${value.toLocaleString('en-US', { maximumFractionDigits: 2 })}`;
  return formatUsd(value);
}

function formatTooltip(value: unknown, name: unknown): [string, string] {
  const amount = typeof value === 'number' ? value : Number(value);
  return name === 'spendUsd' ? [formatUsd(amount), 'Spend'] : [formatCount(amount), 'Requests'];
}

export function UsageChart({ points }: { points: DailyPoint[] }) {
  return (
    <div className="chart" data-testid="usage-chart">
      <ResponsiveContainer width="100%" height={260}>
        <ComposedChart data={points} margin={{ top: 8, right: 8, bottom: 0, left: 8 }}>
          <defs>
            <linearGradient id="spendFill" x1="0" y1="0" x2="0" y2="1">
              <stop offset="0%" stopColor="var(--accent)" stopOpacity={0.28} />
              <stop offset="100%" stopColor="var(--accent)" stopOpacity={0.02} />
            </linearGradient>
          </defs>
          <CartesianGrid stroke="var(--border)" vertical={false} />
          <XAxis
            dataKey="day"
            tickFormatter={formatDay}
            tick={{ fontSize: 12, fill: 'var(--text-muted)' }}
            tickLine={false}
            axisLine={false}
            minTickGap={24}
          />
          <YAxis
            yAxisId="spend"
            tickFormatter={formatAxisUsd}
            tick={{ fontSize: 12, fill: 'var(--text-muted)' }}
            tickLine={false}
            axisLine={false}
            width={72}
          />
          <YAxis
            yAxisId="requests"
            orientation="right"
            allowDecimals={false}
            tick={{ fontSize: 12, fill: 'var(--text-muted)' }}
            tickLine={false}
            axisLine={false}
            width={40}
          />
          <Tooltip
            formatter={formatTooltip}
            labelFormatter={(label) => formatDay(String(label))}
            contentStyle={{ borderRadius: 8, border: '1px solid var(--border)', fontSize: 13 }}
          />
          <Bar
            yAxisId="requests"
            dataKey="requests"
            fill="var(--chart-bar)"
            radius={[3, 3, 0, 0]}
            maxBarSize={18}
            isAnimationActive={false}
          />
          <Area
            yAxisId="spend"
            type="monotone"
            dataKey="spendUsd"
            stroke="var(--accent)"
            strokeWidth={2}
            fill="url(#spendFill)"
            isAnimationActive={false}
          />
        </ComposedChart>
      </ResponsiveContainer>
      <div className="chart-legend">
        <span className="legend-item">
          <span className="legend-swatch legend-spend" /> Spend (USD)
        </span>
        <span className="legend-item">
          <span className="legend-swatch legend-requests" /> Requests
        </span>
      </div>
    </div>
  );
}
