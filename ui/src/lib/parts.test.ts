import { describe, expect, it } from 'vitest';
import { partList, runs } from './parts';

describe('the codes still to scan', () => {
  it('come as runs, whatever the order and with repeats', () => {
    expect(runs([7, 1, 2, 3, 5, 3])).toEqual([
      [1, 3],
      [5, 5],
      [7, 7],
    ]);
    expect(runs([])).toEqual([]);
  });

  it('are listed briefly, with how many more there are', () => {
    const more = (count: number) => `and ${count} more`;
    expect(partList([3], more)).toBe('3');
    expect(partList([3, 5, 6, 7], more)).toBe('3, 5–7');
    expect(partList([1, 3, 5, 7, 9, 10, 11, 20], more)).toBe('1, 3, 5, 7 and 4 more');
  });
});
