// End users: search by external_id, create (raw key shown once), paginated list.
import { type FormEvent, useState } from 'react';
import { platformRoute } from '../session/session';
import { usePlatform } from '../session/session-context';
import { useCan } from '../session/use-can';
import { Card } from '../ui/card';
import { PageHeader } from '../ui/page-header';
import { PagedView } from '../ui/paged-view';
import { TextInput } from '../ui/text-field';
import { useResource } from '../ui/use-resource';
import { EndUserCreateForm } from './end-user-create-form';
import { EndUsersTable } from './end-users-table';

const pageSize = 20;

export function EndUsersPage() {
  const { api } = usePlatform();
  const can = useCan();
  const [page, setPage] = useState(1);
  const [search, setSearch] = useState('');
  const [externalId, setExternalId] = useState('');
  const users = useResource(
    () => api.list('/end-users', { query: { page, limit: pageSize, external_id: externalId } }),
    [api, page, externalId],
  );

  const onSearch = (event: FormEvent): void => {
    event.preventDefault();
    setPage(1);
    setExternalId(search.trim());
  };

  return (
    <>
      <PageHeader title="End users" description="The people using your product. Each gets their own sk-eu_… key, budget and rate limits." />
      <div className="stack">
        {can('POST', `${platformRoute}/end-users`) ? <EndUserCreateForm onCreated={users.reload} /> : null}
        <Card
          title="All end users"
          flush
          actions={
            <form className="inline-form" onSubmit={onSearch}>
              <TextInput
                small
                value={search}
                onChange={setSearch}
                placeholder="Exact external ID"
                ariaLabel="External ID"
                testId="end-user-search"
              />
              <button type="submit" className="button button-small" data-testid="end-user-search-submit">
                Search
              </button>
              {externalId ? (
                <button
                  type="button"
                  className="button button-small button-ghost"
                  onClick={() => {
                    setSearch('');
                    setExternalId('');
                    setPage(1);
                  }}
                >
                  Clear
                </button>
              ) : null}
            </form>
          }
        >
          <PagedView resource={users} onPage={setPage} testId="end-users-pagination">
            {(rows) => <EndUsersTable users={rows} searched={externalId} />}
          </PagedView>
        </Card>
      </div>
    </>
  );
}
