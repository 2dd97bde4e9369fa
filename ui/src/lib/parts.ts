// Naming the QR codes of a move that are still to scan, briefly: "3", "3, 5–7", "1–4, 9 and 11
// more" — a move of a few hundred codes may have many missing.

/** Runs of consecutive numbers, from sorted numbers: [1, 2, 3, 5] → [[1, 3], [5, 5]]. */
export function runs(numbers: number[]): [number, number][] {
  const found: [number, number][] = [];
  for (const number of [...numbers].sort((a, b) => a - b)) {
    const last = found[found.length - 1];
    if (last && number === last[1] + 1) last[1] = number;
    else if (!last || number > last[1]) found.push([number, number]);
  }
  return found;
}

/**
 * The numbers as a short list of runs ("3, 5–7"), at most `shown` runs; `more` words how many
 * numbers the runs left out stand for.
 */
export function partList(numbers: number[], more: (count: number) => string, shown = 4): string {
  const all = runs(numbers);
  const listed = all.slice(0, shown).map(([from, to]) => (from === to ? `${from}` : `${from}–${to}`));
  const left = all.slice(shown).reduce((sum, [from, to]) => sum + to - from + 1, 0);
  return left > 0 ? `${listed.join(', ')} ${more(left)}` : listed.join(', ');
}
