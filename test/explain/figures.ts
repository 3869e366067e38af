import type { Lang } from '../../src/chat/command.ts';

/**
 * The figures typed into a lesson text by hand (not `{{computed}}`): dollar amounts, percentages,
 * multiples (`0.2x`, `4×`, vi `4 lần`) and counts written with thousands separators or a scale word
 * (`35,000`, `1.6M`). Small counts, dates and times are left out. Shared by the cited-figures test
 * (every such figure has a source) and the content-format test (en and vi type the same ones).
 */
const SCALE: Readonly<Record<string, number>> = { B: 1e9, M: 1e6, k: 1e3, tỷ: 1e9, triệu: 1e6, nghìn: 1e3 };
const EN = /(?<![\w.,:])(\$)?(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(B|M|k)?(?![\w.,]\d)(\s?%|\s?USDC?\b|x\b|×)?/g;
const VI = /(?<![\w.,:])(\d{1,3}(?:\.\d{3})+|\d+)(,\d+)?(?:\s(tỷ|triệu|nghìn)(?=[\s.,;:)]|$))?(?![.,]\d)(\s?%|\sUSDC?\b|x\b|×|\slần(?![\p{L}]))?/gu;

/** The figures typed into a markdown text, as `value unit` keys (unit: usd, %, x; none for counts). */
export function typedFigures(markdown: string, lang: Lang): string[] {
  const text = markdown
    .replace(/\{\{[^}]*\}\}/g, ' ')
    .replace(/\]\([^)]*\)/g, ']')
    .replace(/`[^`]*`/g, ' ');
  const found: string[] = [];
  for (const m of text.matchAll(lang === 'en' ? EN : VI)) {
    const [digits, fraction, scaleWord, unitText, dollar] =
      lang === 'en' ? [m[2].replace(/,/g, ''), m[3] ?? '', m[4], m[5], m[1]] : [m[1].replace(/\./g, ''), (m[2] ?? '').replace(',', '.'), m[3], m[4], undefined];
    const unit = unitText?.trim();
    const value = Number(digits + fraction) * (scaleWord ? SCALE[scaleWord] : 1);
    const kind = unit === '%' ? '%' : unit === 'x' || unit === '×' || unit === 'lần' ? 'x' : dollar || unit?.startsWith('USD') ? 'usd' : '';
    const grouped = lang === 'en' ? m[2].includes(',') : m[1].includes('.');
    if (!kind && !grouped && !scaleWord) continue; // small counts, years, times, step numbers
    found.push(`${+value.toPrecision(12)}${kind ? ` ${kind}` : ''}`);
  }
  return found;
}

