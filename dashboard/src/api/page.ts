// A list answer of the management API: `{ data, total, page, limit }`.

/** One page of a list endpoint; `page` starts at 1. */
export interface Page<T> {
  data: T[];
  total: number;
  page: number;
  limit: number;
}
