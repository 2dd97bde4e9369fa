import { describe, expect, it } from 'vitest';
import { startupFigures } from './startup';

describe('startupFigures', () => {
  it('splits the wait at the page starting to load', () =>
    expect(startupFigures(1_000_000, 1_000_450.4, 1_000_700.6)).toMatchObject({
      processToPage: 450,
      pageToFirstCode: 250,
      processToFirstCode: 701,
    }));
});
