/** Edit distance counting insertions, deletions, substitutions and swaps of neighbours (`lqi` → `liq`) as 1 each. */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 0; j <= b.length; j++) rows[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      rows[i][j] = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) rows[i][j] = Math.min(rows[i][j], rows[i - 2][j - 2] + 1);
    }
  }
  return rows[a.length][b.length];
}

/** The candidate closest to what was typed, if it is close enough to be a typo (or a prefix of it). */
export function nearestWord(input: string, candidates: readonly string[]): string | undefined {
  const typed = input.trim().toLowerCase();
  if (!typed) return undefined;
  const prefixed = candidates.filter((c) => c.toLowerCase().startsWith(typed));
  if (typed.length >= 2 && prefixed.length === 1) return prefixed[0];
  let best: { word: string; distance: number } | undefined;
  for (const word of candidates) {
    const distance = editDistance(typed, word.toLowerCase());
    if (!best || distance < best.distance) best = { word, distance };
  }
  if (!best) return undefined;
  return best.distance <= Math.max(1, Math.floor(typed.length / 3)) ? best.word : undefined;
}
