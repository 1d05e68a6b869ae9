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
