import { describe, expect, it } from 'vitest';
import { rowsToDraw, visibleRows } from './virtual';

// A phone: rows of 120 px, 760 px of viewport.
const phone = { count: 1000, rowHeight: 120, offset: 0, viewport: 760, overscan: 2 };

describe('visibleRows', () => {
  it('draws the rows on screen at the top and the overscan below them', () =>
    expect(visibleRows(phone)).toEqual({ start: 0, end: 9 }));

  it('draws the overscan on both sides in the middle of the list', () =>
    expect(visibleRows({ ...phone, offset: 12_000 })).toEqual({ start: 98, end: 109 }));

  it('counts a row cut by the top or the bottom of the viewport as visible', () =>
    expect(visibleRows({ ...phone, offset: 12_100, overscan: 0 })).toEqual({ start: 100, end: 108 }));

  it('reaches the last row at the end of the list', () =>
    expect(visibleRows({ ...phone, offset: 1000 * 120 - 760 })).toEqual({ start: 991, end: 1000 }));

  it('draws nothing for an empty list', () =>
    expect(visibleRows({ ...phone, count: 0 })).toEqual({ start: 0, end: 0 }));

  it('draws the few rows of a short list', () =>
    expect(visibleRows({ ...phone, count: 3 })).toEqual({ start: 0, end: 3 }));

  it('draws the first rows of a list that starts lower down the screen', () =>
    expect(visibleRows({ ...phone, offset: -600, overscan: 0 })).toEqual({ start: 0, end: 2 }));

  it('draws nothing while the list is far below the viewport', () =>
    expect(visibleRows({ ...phone, offset: -5000 })).toEqual({ start: 0, end: 0 }));

  it('draws nothing once the list is scrolled far past', () =>
    expect(visibleRows({ ...phone, count: 10, offset: 5000 })).toEqual({ start: 0, end: 0 }));

  it('draws more rows when the window grows taller', () => {
    const small = visibleRows({ ...phone, offset: 1200, viewport: 480 });
    const tall = visibleRows({ ...phone, offset: 1200, viewport: 1024 });
    expect(small).toEqual({ start: 8, end: 16 });
    expect(tall).toEqual({ start: 8, end: 21 });
  });

  it('keeps to the end of a list that shrank under a deep scroll (a search)', () =>
    expect(visibleRows({ ...phone, count: 12, offset: 1000 })).toEqual({ start: 6, end: 12 }));

  it('draws nothing before the rows are measured', () => {
    expect(visibleRows({ ...phone, rowHeight: 0 })).toEqual({ start: 0, end: 0 });
    expect(visibleRows({ ...phone, rowHeight: Number.NaN })).toEqual({ start: 0, end: 0 });
    expect(visibleRows({ ...phone, viewport: 0 })).toEqual({ start: 0, end: 0 });
  });
});

describe('rowsToDraw', () => {
  it('lists the visible rows in order', () =>
    expect(rowsToDraw({ start: 3, end: 6 }, [], 10)).toEqual([3, 4, 5]));

  it('keeps a focused row far from the viewport, in its place in the order', () => {
    expect(rowsToDraw({ start: 50, end: 53 }, [2], 100)).toEqual([2, 50, 51, 52]);
    expect(rowsToDraw({ start: 50, end: 53 }, [90], 100)).toEqual([50, 51, 52, 90]);
  });

  it('does not draw a kept row twice', () =>
    expect(rowsToDraw({ start: 0, end: 3 }, [1, 1], 10)).toEqual([0, 1, 2]));

  it('forgets rows that are no longer in the list', () =>
    expect(rowsToDraw({ start: 0, end: 8 }, [-1, 7, 20], 5)).toEqual([0, 1, 2, 3, 4]));
});
