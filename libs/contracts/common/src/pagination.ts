import { z } from 'zod';

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 50;

export const pageQuery = z.object({
  cursor: z.string().max(512).optional().meta({ description: 'Opaque cursor from the previous page\'s `nextCursor`' }),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
});

export interface Page<T> {
  items: T[];
  /** Pass back as `cursor` to read the next page; null on the last page. */
  nextCursor: string | null;
}

/** The schema of a page of `item`s, as lists answer it. */
export function pageOf<Item extends z.ZodType>(item: Item) {
  return z.object({
    items: z.array(item),
    nextCursor: z.string().nullable().meta({ description: 'Pass back as `cursor` to read the next page; null on the last page' }),
  });
}

/** The schema of a whole list (not paged). */
export function listOf<Item extends z.ZodType>(item: Item) {
  return z.object({ items: z.array(item) });
}
