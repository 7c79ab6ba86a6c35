/** Page/limit query parameters and the list envelope (spec §0). */
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
