// Inference log rows: when, model and ingress, who, outcome, tokens (cache and reasoning too), latency and cost.
import type { RequestLog, RequestLogStatus } from '../api';
import { formatCount } from '../format/format-count';
import { formatDateTime } from '../format/format-date-time';
import { requestTypeLabel } from '../format/request-type-label';
import { shortId } from '../format/short-id';
import { Badge, type BadgeTone } from '../ui/badge';
import { EmptyState } from '../ui/empty-state';
import { Money } from '../ui/money';

const statusTones: Record<RequestLogStatus, BadgeTone> = { success: 'green', error: 'red', cancelled: 'grey', rejected: 'amber' };

interface LogsTableProps {
  logs: RequestLog[];
  emptyTitle: string;
  showEndUser?: boolean;
  /** External IDs by end-user ID, to name the rows' users. */
  endUserNames?: Map<string, string>;
  testId?: string;
}

/** Every token figure of a row, for the tokens cell's tooltip. */
function tokensTitle(log: RequestLog): string {
  return [
    `Prompt ${formatCount(log.prompt_tokens)} (cache read ${formatCount(log.cached_tokens ?? 0)}, cache write ${formatCount(log.cache_write_tokens ?? 0)})`,
    `Output ${formatCount(log.completion_tokens)} (reasoning ${formatCount(log.reasoning_tokens ?? 0)})`,
    `Counted: ${log.token_count_method}`,
  ].join('\n');
}

/** A token count, or a faint dash for none. */
function Tokens({ value, testId }: { value: number | null; testId: string }) {
  return value ? (
    <span data-testid={testId}>{formatCount(value)}</span>
  ) : (
    <span className="muted" data-testid={testId}>
      —
    </span>
  );
}

export function LogsTable({ logs, emptyTitle, showEndUser = true, endUserNames, testId = 'logs-table' }: LogsTableProps) {
  if (logs.length === 0) {
    return (
      <EmptyState title={emptyTitle} testId={`${testId}-empty`}>
        Every inference call through <code>/v1/chat/completions</code>, <code>/v1/responses</code> or <code>/v1/messages</code> appears here
        with its tokens and cost.
      </EmptyState>
    );
  }
  return (
    <div className="table-scroll">
      <table className="table table-dense" data-testid={testId}>
        <thead>
          <tr>
            <th>Time</th>
            <th>Model</th>
            {showEndUser ? <th>End user</th> : null}
            <th>Status</th>
            <th className="num">Tokens in / out</th>
            <th className="num" title="Prompt tokens read from / written to the provider's prompt cache">
              Cache r / w
            </th>
            <th className="num" title="Output tokens spent reasoning (included in tokens out)">
              Reasoning
            </th>
            <th className="num">Latency</th>
            <th className="num">Cost</th>
            <th className="num" title="What the end user was charged, markup included">
              User cost
            </th>
          </tr>
        </thead>
        <tbody>
          {logs.map((log) => (
            <tr key={log.id} title={log.error_message ?? undefined} data-log-id={log.id}>
              <td className="nowrap">{formatDateTime(log.created_at)}</td>
              <td>
                <code className="mono">{log.model}</code>
                <span className="sub">
                  <span title={`Came through the ${log.request_type} API`} data-testid="log-request-type">
                    {requestTypeLabel(log.request_type)}
                  </span>
                  {log.stream ? ' · stream' : null}
                </span>
              </td>
              {showEndUser ? (
                <td className="nowrap">
                  {log.end_user_id ? (
                    <a href={`#/end-users/${log.end_user_id}`}>{endUserNames?.get(log.end_user_id) ?? shortId(log.end_user_id)}</a>
                  ) : (
                    <span className="muted">Platform key</span>
                  )}
                </td>
              ) : null}
              <td className="badges">
                <Badge tone={statusTones[log.status] ?? 'grey'}>{log.status}</Badge>
                {log.error_code ? <span className="muted small">{log.error_code}</span> : null}
              </td>
              <td className="num nowrap" title={tokensTitle(log)} data-testid="log-tokens">
                {formatCount(log.prompt_tokens)} / {formatCount(log.completion_tokens)}
              </td>
              <td className="num nowrap">
                <Tokens value={log.cached_tokens} testId="log-cached-tokens" />
                <span className="muted"> / </span>
                <Tokens value={log.cache_write_tokens} testId="log-cache-write-tokens" />
              </td>
              <td className="num nowrap">
                <Tokens value={log.reasoning_tokens} testId="log-reasoning-tokens" />
              </td>
              <td className="num nowrap">{log.latency_ms === null ? '—' : `${formatCount(log.latency_ms)} ms`}</td>
              <td className="num">
                <Money value={log.estimated_cost_usd} />
              </td>
              <td className="num">
                <Money value={log.end_user_cost_usd} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
