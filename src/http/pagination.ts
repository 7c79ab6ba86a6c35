/** Page/limit query parameters and the list envelope (spec §0). */
import type { SelectQueryBuilder } from 'kysely';
import { z } from 'zod';

export const pageQuery = z.object({
  // Bounded so OFFSET stays an exact integer; nobody pages a million pages deep (filter instead).
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export type Page = z.infer<typeof pageQuery>;

export function offsetOf(page: Page): number {
  return (page.page - 1) * page.limit;
}

export function listEnvelope<T>(data: T[], total: number, page: Page) {
  return { data, total, page: page.page, limit: page.limit };
}

/**
 * One page of a filtered query and its total, as the list envelope: `rows` adds the selection and order to
 * the filtered query; the total counts the same filters.
 */
export async function listPage<DB, TB extends keyof DB, Row, V>(
  filtered: SelectQueryBuilder<DB, TB, object>,
  page: Page,
  rows: (q: SelectQueryBuilder<DB, TB, object>) => SelectQueryBuilder<DB, TB, Row>,
  view: (row: Row) => V,
) {
  const data = await rows(filtered).limit(page.limit).offset(offsetOf(page)).execute();
  const { n } = await filtered
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .$castTo<{ n: number }>()
    .executeTakeFirstOrThrow();
  return listEnvelope(data.map(view), Number(n), page);
}
