// Renders one page of a list `useResource` (loading, error or rows) followed by its pagination bar.
import type { ReactNode } from 'react';
import type { Page } from '../api';
import { Pagination } from './pagination';
import { ResourceView } from './resource-view';
import type { Resource } from './use-resource';

interface PagedViewProps<T> {
  resource: Resource<Page<T>>;
  onPage: (page: number) => void;
  /** Test id of the pagination bar. */
  testId?: string;
  children: (rows: T[]) => ReactNode;
}

export function PagedView<T>({ resource, onPage, testId, children }: PagedViewProps<T>) {
  return (
    <ResourceView resource={resource}>
      {(result) => (
        <>
          {children(result.data)}
          <Pagination page={result.page} limit={result.limit} total={result.total} onPage={onPage} testId={testId} />
        </>
      )}
    </ResourceView>
  );
}
