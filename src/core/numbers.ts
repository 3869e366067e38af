import { Decimal } from 'decimal.js';

/**
 * Numbers as people type them, and as people read them, in English and Vietnamese.
 *
 * Input grammar (both languages): an optional sign, an optional `$`, digits with
 * thousands separators (`,` `.` `_` or space), an optional decimal part, then an optional
 * suffix: `k` (thousand), `m` / `tr` (million), `b` / `bn` / `tỷ` (billion), `%`, `x`.
 * English writes `102,000.50`, Vietnamese `102.000,50`. A number that the two conventions
 * read differently (`1.500` from a Vietnamese user: 1.5 or 1,500?) is refused with both
 * readings; it is never guessed.
 */
export type NumberLang = 'en' | 'vi';

Decimal.set({ precision: 40, rounding: Decimal.ROUND_HALF_UP });

export type NumberInputErrorCode = 'empty' | 'invalid' | 'ambiguous' | 'too-large' | 'not-finite';

export class NumberInputError extends Error {
  readonly code: NumberInputErrorCode;
  readonly input: string;
  /** For `ambiguous`: the two readings, formatted for the user's language. */
  readonly readings?: [string, string];

  constructor(code: NumberInputErrorCode, input: string, readings?: [string, string]) {
    super(`${code}: ${input}`);
    this.name = 'NumberInputError';
    this.code = code;
    this.input = input;
    this.readings = readings;
  }
}

/** Absolute values above this are refused as typos (no position or price is that large). */
export const MAX_ABS_INPUT = new Decimal('1e12');

export interface ParsedNumber {
  value: Decimal;
  /** `%` was typed: `value` is already divided by 100. */
  percent: boolean;
  /** `x` was typed (leverage). */
  multiplier: boolean;
}

const SCALE_SUFFIXES: Record<string, string> = {
  k: '1e3',
  m: '1e6',
  mn: '1e6',
  tr: '1e6',
  b: '1e9',
  bn: '1e9',
  'tỷ': '1e9',
  ty: '1e9',
};

/**
 * Reads `text` as a number. Throws NumberInputError (never returns NaN).
 * `lang` decides which reading is the natural one when separators are ambiguous.
 */
export function parseHumanNumber(text: string, lang: NumberLang): ParsedNumber {
  const input = text;
  let s = text.normalize('NFC').trim().toLowerCase().replace(/\u2212/g, '-');
  if (s === '') throw new NumberInputError('empty', input);
  if (/^[+-]?(nan|inf|infinity)$/.test(s)) throw new NumberInputError('not-finite', input);

  let sign = '';
  if (s.startsWith('-') || s.startsWith('+')) {
    sign = s[0] === '-' ? '-' : '';
    s = s.slice(1).trim();
  }
  let multiplier = false;
  if (s.startsWith('x') || s.startsWith('×')) {
    multiplier = true;
    s = s.slice(1).trim();
  }
  if (s.startsWith('$')) s = s.slice(1).trim();
  if (s.startsWith('-') && sign === '') {
    sign = '-';
    s = s.slice(1).trim();
  }
  s = s.replace(/\s*(usdt|usdc|usd)$/, '');

  let percent = false;
  if (s.endsWith('%')) {
    percent = true;
    s = s.slice(0, -1).trim();
  } else if (s.endsWith('x') || s.endsWith('×')) {
    multiplier = true;
    s = s.slice(0, -1).trim();
  }
  let scale = '1';
  const suffix = /(k|mn|m|tr|bn|b|tỷ|ty)$/.exec(s);
  if (suffix && !percent && !multiplier) {
    scale = SCALE_SUFFIXES[suffix[1]];
    s = s.slice(0, -suffix[1].length).trim();
  }

  const digits = normaliseSeparators(s, lang, input);
  let value: Decimal;
  try {
    value = new Decimal(sign + digits).times(scale);
  } catch {
    throw new NumberInputError('invalid', input);
  }
  if (!value.isFinite()) throw new NumberInputError('not-finite', input);
  if (value.abs().gt(MAX_ABS_INPUT)) throw new NumberInputError('too-large', input);
  if (percent) value = value.div(100);
  return { value, percent, multiplier };
}

/** Turns `102,000.50` / `102.000,50` / `102_000` / `102 000` into `102000.50`, or throws. */
function normaliseSeparators(s: string, lang: NumberLang, input: string): string {
  if (!/^[0-9.,_ ]+$/.test(s) || !/[0-9]/.test(s)) throw new NumberInputError('invalid', input);
  if (/[_ ]/.test(s)) {
    // `_` and space are only ever digit-group separators (`102_000`, `102 000`).
    if (!/^\d+([_ ]\d+)*([.,]\d+)?$/.test(s)) throw new NumberInputError('invalid', input);
    return normaliseSeparators(s.replace(/[_ ]/g, ''), lang, input);
  }
  const commas = (s.match(/,/g) ?? []).length;
  const dots = (s.match(/\./g) ?? []).length;
  if (commas === 0 && dots === 0) return s;

  if (commas > 0 && dots > 0) {
    const decimalSep = s.lastIndexOf(',') > s.lastIndexOf('.') ? ',' : '.';
    const groupSep = decimalSep === ',' ? '.' : ',';
    const [intPart, fraction, ...rest] = s.split(decimalSep);
    if (rest.length > 0 || fraction === '' || !validGroups(intPart, groupSep)) throw new NumberInputError('invalid', input);
    return `${intPart.split(groupSep).join('')}.${fraction}`;
  }

  const sep = commas > 0 ? ',' : '.';
  const count = commas + dots;
  if (count > 1) {
    // Two or more of the same mark can only be thousands separators: 1.500.000 / 1,500,000.
    if (!validGroups(s, sep)) throw new NumberInputError('invalid', input);
    return s.split(sep).join('');
  }
  const [intPart, fraction] = s.split(sep);
  if (fraction === '' || intPart === '') {
    if (intPart === '' && fraction !== '') return `0.${fraction}`; // `.5`
    throw new NumberInputError('invalid', input);
  }
  const asDecimal = `${intPart}.${fraction}`;
  const couldBeGroup = fraction.length === 3 && intPart.length <= 3 && !/^0/.test(intPart);
  if (!couldBeGroup) return asDecimal;
  const asGroup = `${intPart}${fraction}`;
  // The language's own convention for this mark.
  const naturalIsDecimal = lang === 'en' ? sep === '.' : sep === ',';
  if (lang === 'en') return naturalIsDecimal ? asDecimal : asGroup;
  // Vietnamese users type both styles (exchange UIs are often English): refuse to guess.
  // Readings are shown without grouping so that neither can be misread again: `1500` / `1,5`. The
  // decimal reading must itself parse: `1,001` would be ambiguous again, so it is shown as `1,0010`.
  let decimalReading = new Decimal(asDecimal).toString();
  if (/^[1-9]\d{0,2}\.\d{3}$/.test(decimalReading)) decimalReading += '0';
  const readings: [string, string] = [asGroup, decimalReading.replace('.', SEPARATORS[lang].decimal)];
  throw new NumberInputError('ambiguous', input, readings);
}

function validGroups(intPart: string, groupSep: string): boolean {
  const groups = intPart.split(groupSep);
  if (groups.length === 1) return /^\d+$/.test(groups[0]);
  return /^\d{1,3}$/.test(groups[0]) && groups.slice(1).every((g) => /^\d{3}$/.test(g));
}

// ---------------------------------------------------------------------------------------
// Output

export interface FormatOptions {
  /** Exact number of decimals (overrides the automatic choice). */
  decimals?: number;
  /** Upper bound on decimals for the automatic choice (default 4). */
  maxDecimals?: number;
  /** Keep trailing zeros up to `decimals` (prices with cents). Default: trim. */
  keepZeros?: boolean;
  /** Show + on positive numbers (changes, PnL). */
  signed?: boolean;
}

const SEPARATORS: Record<NumberLang, { group: string; decimal: string }> = {
  en: { group: ',', decimal: '.' },
  vi: { group: '.', decimal: ',' },
};

/**
 * Decimals that fit the magnitude: ≥ 1,000 → 2; ≥ 1 → up to 4 significant digits
 * (so 12.35, 1.235); below 1 → 4 significant digits (0.0004123 → 0.0004123).
 */
export function autoDecimals(value: Decimal, maxDecimals = 4): number {
  const abs = value.abs();
  if (abs.isZero()) return 0;
  if (abs.gte(1000)) return Math.min(2, maxDecimals);
  if (abs.gte(1)) return Math.min(Math.max(4 - abs.floor().toString().length, 2), maxDecimals);
  // leading zeros after the point + 4 significant digits
  const leadingZeros = -Math.floor(Math.log10(abs.toNumber())) - 1;
  return Math.min(leadingZeros + 4, Math.max(maxDecimals, 8));
}

export function formatNumber(value: Decimal.Value, lang: NumberLang, options: FormatOptions = {}): string {
  const d = new Decimal(value);
  const decimals = options.decimals ?? autoDecimals(d, options.maxDecimals ?? 4);
  let fixed = d.toFixed(decimals, Decimal.ROUND_HALF_UP);
  if (!options.keepZeros && fixed.includes('.')) fixed = fixed.replace(/\.?0+$/, '');
  if (/^-0(\.0*)?$/.test(fixed)) fixed = fixed.slice(1);
  const negative = fixed.startsWith('-');
  const [intPart, fraction] = (negative ? fixed.slice(1) : fixed).split('.');
  const { group, decimal } = SEPARATORS[lang];
  const grouped = intPart.replace(/\B(?=(\d{3})+(?!\d))/g, group);
  const body = fraction ? `${grouped}${decimal}${fraction}` : grouped;
  const sign = negative ? '-' : options.signed && !d.isZero() ? '+' : '';
  return sign + body;
}

/** en `$102,000.50`, vi `102.000,50 USD`. Cents are kept for amounts under a million. */
export function formatUsd(value: Decimal.Value, lang: NumberLang, options: FormatOptions = {}): string {
  const d = new Decimal(value);
  const abs = d.abs();
  const decimals = options.decimals ?? (abs.gte(1_000_000) ? 0 : abs.gte(1) ? 2 : autoDecimals(d));
  const body = formatNumber(abs, lang, { keepZeros: abs.gte(1) && abs.lt(1_000_000), ...options, decimals, signed: false });
  const sign = d.isNegative() && !d.isZero() ? '-' : options.signed && d.gt(0) ? '+' : '';
  return lang === 'en' ? `${sign}$${body}` : `${sign}${body} USD`;
}

/** en `$19.3B`, `$6.93B`, `$283M`; vi `19,3 tỷ USD`, `283 triệu USD`. */
export function formatUsdCompact(value: Decimal.Value, lang: NumberLang, options: { signed?: boolean } = {}): string {
  const d = new Decimal(value);
  const abs = d.abs();
  const units: Array<[Decimal, string, string]> = [
    [new Decimal('1e12'), 'T', 'nghìn tỷ'],
    [new Decimal('1e9'), 'B', 'tỷ'],
    [new Decimal('1e6'), 'M', 'triệu'],
    [new Decimal('1e3'), 'K', 'nghìn'],
  ];
  const sign = d.isNegative() && !d.isZero() ? '-' : options.signed && d.gt(0) ? '+' : '';
  for (const [size, en, vi] of units) {
    if (abs.gte(size)) {
      const scaled = abs.div(size);
      const body = formatNumber(scaled, lang, { decimals: scaled.gte(100) ? 0 : scaled.gte(10) ? 1 : 2 });
      return lang === 'en' ? `${sign}$${body}${en}` : `${sign}${body} ${vi} USD`;
    }
  }
  return formatUsd(d, lang, { signed: options.signed });
}

/** A fraction as a percent: 0.085 → en `8.5%`, vi `8,5%`. */
export function formatPercent(fraction: Decimal.Value, lang: NumberLang, options: FormatOptions = {}): string {
  const pct = new Decimal(fraction).times(100);
  const decimals = options.decimals ?? (pct.abs().gte(100) ? 0 : pct.abs().gte(10) ? 1 : pct.abs().gte(1) ? 2 : autoDecimals(pct, 4));
  return `${formatNumber(pct, lang, { ...options, decimals })}%`;
}

/** 10 → `10x`, 12.5 → en `12.5x`, vi `12,5x`. */
export function formatLeverage(value: Decimal.Value, lang: NumberLang): string {
  return `${formatNumber(value, lang, { maxDecimals: 2 })}x`;
}
