// Paging for long lists in messages (a message holds at most 50 blocks).
import type { KnownBlock } from '@slack/types';

export interface Page<T> {
  readonly shown: readonly T[];
  /** Zero-based, clamped to the pages there are. */
  readonly current: number;
  readonly pages: number;
  /** Items on all pages. */
  readonly total: number;
}

/**
 * A page the database cut without counting the list: whether another follows, and the total once it
 * is known (on the last page).
 */
export interface CutPage<T> {
  readonly shown: readonly T[];
  readonly current: number;
  readonly hasNext: boolean;
  readonly total: number | null;
}

/** A page cut from a list held in memory (short lists); long ones come from the database a page at a time. */
export function pageOf<T>(items: readonly T[], page: number, perPage: number): Page<T> {
  const pages = Math.max(1, Math.ceil(items.length / perPage));
  const current = Math.min(Math.max(0, page), pages - 1);
  return { shown: items.slice(current * perPage, (current + 1) * perPage), current, pages, total: items.length };
}

/** "← Previous" / "Next →" buttons (`<actionPrefix>.previous|next`, value = page), or nothing on a single page. */
export function pagerBlocks(blockId: string, actionPrefix: string, page: Page<unknown> | CutPage<unknown>): KnownBlock[] {
  const hasNext = 'hasNext' in page ? page.hasNext : page.current < page.pages - 1;
  if (page.current === 0 && !hasNext) return [];
  const button = (which: 'previous' | 'next', text: string, to: number) => ({
    type: 'button' as const,
    action_id: `${actionPrefix}.${which}`,
    text: { type: 'plain_text' as const, text },
    value: String(to),
  });
  return [
    {
      type: 'actions',
      block_id: blockId,
      elements: [
        ...(page.current > 0 ? [button('previous', '← Previous', page.current - 1)] : []),
        ...(hasNext ? [button('next', 'Next →', page.current + 1)] : []),
      ],
    },
  ];
}

/** " · page 2 of 5", or nothing on a single page. */
export function pageLabel(page: Page<unknown>): string {
  return page.pages > 1 ? ` · page ${page.current + 1} of ${page.pages}` : '';
}
