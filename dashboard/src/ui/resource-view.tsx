// Renders a loading line, the load error, or the loaded content of a `useResource`.
import type { ReactNode } from 'react';
import { ErrorNotice } from './notice';
import type { Resource } from './use-resource';

interface ResourceViewProps<T> {
  resource: Resource<T>;
  children: (data: T) => ReactNode;
  testId?: string;
}

export function ResourceView<T>({ resource, children, testId = 'load-error' }: ResourceViewProps<T>) {
  if (resource.data !== undefined) {
    return (
      <>
        {resource.error ? <ErrorNotice error={resource.error} testId={testId} /> : null}
        {children(resource.data)}
      </>
    );
  }
  if (resource.error) return <ErrorNotice error={resource.error} testId={testId} />;
  return <p className="loading">Loading…</p>;
}
