/**
 * Order statistics in O(n) without sorting (Hoare's quickselect with a median-of-three pivot):
 * medians and top-percentile thresholds over a million values cost a fraction of a sort.
 * Rearranges `values` in place.
 */
export function selectKth(values: Float64Array, k: number): number {
  let left = 0;
  let right = values.length - 1;
  while (right > left) {
    const mid = (left + right) >> 1;
    // Median of three as the pivot, placed at `mid`.
    if (values[mid] < values[left]) swap(values, mid, left);
    if (values[right] < values[left]) swap(values, right, left);
    if (values[right] < values[mid]) swap(values, right, mid);
    const pivot = values[mid];
    let i = left;
    let j = right;
    while (i <= j) {
      while (values[i] < pivot) i++;
      while (values[j] > pivot) j--;
      if (i <= j) {
        swap(values, i, j);
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else return values[k];
  }
  return values[k];
}

function swap(values: Float64Array, a: number, b: number): void {
  const t = values[a];
  values[a] = values[b];
  values[b] = t;
}

/** Median (mean of the two middle values for an even count); rearranges `values`. 0 for none. */
export function medianInPlace(values: Float64Array): number {
  const n = values.length;
  if (n === 0) return 0;
  const upper = selectKth(values, n >> 1);
  if (n % 2) return upper;
  // After selection, everything left of n/2 is ≤ upper: the lower middle is their maximum.
  let lower = -Infinity;
  for (let k = 0; k < n >> 1; k++) if (values[k] > lower) lower = values[k];
  return (lower + upper) / 2;
}

/** Sum of the `top` largest values; rearranges `values`. */
export function sumOfLargest(values: Float64Array, top: number): number {
  const n = values.length;
  if (top <= 0) return 0;
  if (top >= n) return values.reduce((a, b) => a + b, 0);
  selectKth(values, n - top);
  let sum = 0;
  for (let k = n - top; k < n; k++) sum += values[k];
  return sum;
}

/**
 * Gini coefficient of non-negative values plus `zeros` more zeros (0 = everyone pays the same share,
 * → 1 = one pays all). `values` is sorted in place.
 */
export function gini(values: Float64Array, zeros = 0): number {
  const n = values.length + zeros;
  if (n === 0) return 0;
  values.sort();
  let weighted = 0;
  let total = 0;
  for (let k = 0; k < values.length; k++) {
    weighted += (zeros + k + 1) * values[k];
    total += values[k];
  }
  if (total <= 0) return 0;
  return (2 * weighted) / (n * total) - (n + 1) / n;
}
