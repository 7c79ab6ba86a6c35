// The overview's usage half: next steps when idle, the 30-day chart, top models and top end users.
import { lazy, Suspense } from 'react';
import { formatCount } from '../format/format-count';
import { shortId } from '../format/short-id';
import { Card } from '../ui/card';
import { Money } from '../ui/money';
import { Stat } from '../ui/stat';
import { toDailyPoints } from './daily-point';
import { GetStarted } from './get-started';
import type { UsageOverview } from './load-usage';
import { tokenTotals } from './token-totals';
import { UsageTable } from './usage-table';

// recharts is most of the bundle: load it only when the overview is shown.
const UsageChart = lazy(() => import('./usage-chart').then((module) => ({ default: module.UsageChart })));

export function UsageSection({ usage }: { usage: UsageOverview }) {
  const points = toDailyPoints(usage.days, usage.byDay);
  const requests = points.reduce((sum, point) => sum + point.requests, 0);
  const spendUsd = points.reduce((sum, point) => sum + point.spendUsd, 0);
  const tokens = tokenTotals(usage.byDay);
  return (
    <>
      {requests === 0 ? <GetStarted /> : null}
      <Card
        title="Spend and requests"
        description="Last 30 days, UTC"
        actions={
          <div className="inline-stats">
            <Stat label="Spend">
              <Money value={Math.round(spendUsd * 1e6) / 1e6} testId="overview-spend" />
            </Stat>
            <Stat label="Requests">
              <span className="amount" data-testid="overview-requests">
                {formatCount(requests)}
              </span>
            </Stat>
            <Stat
              label="Tokens in / out"
              hint={
                <span data-testid="overview-token-buckets">
                  cache read <span data-testid="overview-cached-tokens">{formatCount(tokens.cached)}</span> · write{' '}
                  <span data-testid="overview-cache-write-tokens">{formatCount(tokens.cacheWrite)}</span> · reasoning{' '}
                  <span data-testid="overview-reasoning-tokens">{formatCount(tokens.reasoning)}</span>
                </span>
              }
            >
              <span className="amount" data-testid="overview-tokens">
                {formatCount(tokens.prompt)} / {formatCount(tokens.completion)}
              </span>
            </Stat>
          </div>
        }
      >
        <Suspense fallback={<div className="chart-placeholder" />}>
          <UsageChart points={points} />
        </Suspense>
      </Card>
      <div className="grid-2">
        <Card title="Top models" description="By spend, last 30 days" flush>
          <UsageTable
            rows={usage.byModel}
            keyLabel="Model"
            renderKey={(row) => <code className="mono">{row.key ?? 'unknown'}</code>}
            emptyTitle="No model traffic yet."
            testId="top-models"
          />
        </Card>
        <Card title="Top end users" description="By spend, last 30 days" flush>
          <UsageTable
            rows={usage.byEndUser}
            keyLabel="End user"
            renderKey={(row) =>
              row.key ? (
                <a href={`#/end-users/${row.key}`}>{usage.endUserNames.get(row.key) ?? shortId(row.key)}</a>
              ) : (
                <span className="muted">Platform key (no end user)</span>
              )
            }
            emptyTitle="No end-user traffic yet."
            testId="top-end-users"
          />
        </Card>
      </div>
    </>
  );
}
