// "Showing 21–40 of 95" with previous / next buttons for list endpoints.

interface PaginationProps {
  page: number;
  limit: number;
  total: number;
  onPage: (page: number) => void;
  testId?: string;
}

export function Pagination({ page, limit, total, onPage, testId = 'pagination' }: PaginationProps) {
  if (total === 0) return null;
  const pages = Math.max(1, Math.ceil(total / limit));
  const first = (page - 1) * limit + 1;
  const last = Math.min(total, page * limit);
  return (
    <nav className="pagination" aria-label="Pagination" data-testid={testId}>
      <span className="muted">
        Showing <strong>{first}</strong>–<strong>{last}</strong> of <strong>{total}</strong>
      </span>
      <span className="pagination-buttons">
        <button
          type="button"
          className="button button-small"
          disabled={page <= 1}
          onClick={() => onPage(page - 1)}
          data-testid={`${testId}-prev`}
        >
          Previous
        </button>
        <button
          type="button"
          className="button button-small"
          disabled={page >= pages}
          onClick={() => onPage(page + 1)}
          data-testid={`${testId}-next`}
        >
          Next
        </button>
      </span>
    </nav>
  );
}
