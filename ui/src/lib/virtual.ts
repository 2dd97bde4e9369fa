// The virtual window of a long list: which rows to put in the page for where it is scrolled, so
// that a list of a thousand accounts costs about as much as the dozen on screen. Rows are all the
// same height; the list itself keeps the height of all of them, so the scroll bar stays true.

/** Rows `start` up to (not including) `end`. */
export interface Rows {
  start: number;
  end: number;
}

export interface Window {
  /** Rows in the list. */
  count: number;
  /** Pixels from the top of one row to the top of the next (the row and the gap after it). */
  rowHeight: number;
  /**
   * How far the top of the viewport is below the top of the list, in pixels: negative while the
   * list starts further down the page.
   */
  offset: number;
  /** The viewport's height in pixels. */
  viewport: number;
  /** Rows to keep on either side of those visible, so that fast scrolling finds them drawn. */
  overscan: number;
}

const NONE: Rows = { start: 0, end: 0 };

/** The rows in or near the viewport; none when the list is far off screen or not measured yet. */
export function visibleRows({ count, rowHeight, offset, viewport, overscan }: Window): Rows {
  if (count <= 0 || !(rowHeight > 0) || !(viewport > 0)) return NONE;
  const first = Math.floor(offset / rowHeight);
  const last = Math.ceil((offset + viewport) / rowHeight);
  const start = Math.min(Math.max(first - overscan, 0), count);
  const end = Math.min(Math.max(last + overscan, 0), count);
  return start < end ? { start, end } : NONE;
}

/**
 * The rows to draw, in order: the visible ones and those that must stay in the page wherever the
 * list is scrolled (the one holding the keyboard focus, the one being dragged).
 */
export function rowsToDraw({ start, end }: Rows, kept: number[], count: number): number[] {
  const rows: number[] = [];
  for (let row = start; row < Math.min(end, count); row += 1) rows.push(row);
  const extra = kept.filter((row) => row >= 0 && row < count && (row < start || row >= end));
  if (extra.length === 0) return rows;
  return [...new Set([...rows, ...extra])].sort((a, b) => a - b);
}
