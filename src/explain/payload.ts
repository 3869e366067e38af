import { Decimal } from 'decimal.js';

/**
 * Button payloads for walkthrough navigation, kept within the bytes the asking face allows a
 * payload (`ChatContext.actionPayloadBytes`: its button-data limit less the `explain:` prefix):
 *   `adl:3`                              step 3 of a topic
 *   `adl:3:s,122000,102000,20,bn`        … with the reader's own position (side, entry, mark, leverage, venue[, qty])
 *   `adl:3:@hl`                          … the default example, on another venue
 *   `close`                              close the walkthrough
 * Numbers are plain decimal strings, rounded to fewer significant digits only when a long
 * position would not fit. Only if plain decimals cannot fit even at 6 significant digits (very
 * small or very large numbers, e.g. qty=0.0000000123) does a number use the shorter of plain and
 * exponent form (`1.23e-8`), so every position the calculator accepts gets working buttons.
 */
export const COMMAND_PREFIX = 'explain:';
export const CLOSE_PAYLOAD = 'close';

export interface ReaderPosition {
  side: 'long' | 'short';
  entry: Decimal;
  mark: Decimal;
  leverage: Decimal;
  venue: string;
  qty?: Decimal;
}

export type NavigationPayload =
  | { kind: 'close' }
  | { kind: 'step'; topic: string; step: number; position?: ReaderPosition; exampleVenue?: string };

const VENUE_CODES: Readonly<Record<string, string>> = {
  binance: 'bn',
  bybit: 'by',
  okx: 'ok',
  bitmex: 'bm',
  hyperliquid: 'hl',
  dydx: 'dx',
};
const VENUE_BY_CODE = Object.fromEntries(Object.entries(VENUE_CODES).map(([venue, code]) => [code, venue]));

type NumberStyle = 'plain' | 'compact';

function plain(value: Decimal, significantDigits: number): string {
  return value.toSignificantDigits(significantDigits).toFixed();
}

/** The shorter of plain and exponent form (`1.23e-8`, `1.2e15`; no `+`). */
function compact(value: Decimal, significantDigits: number): string {
  const rounded = value.toSignificantDigits(significantDigits);
  const fixed = rounded.toFixed();
  const exponent = rounded.toExponential().replace('e+', 'e');
  return exponent.length < fixed.length ? exponent : fixed;
}

function encodePosition(position: ReaderPosition, significantDigits: number, style: NumberStyle): string {
  const number = (value: Decimal) => (style === 'plain' ? plain(value, significantDigits) : compact(value, significantDigits));
  const parts = [
    position.side === 'long' ? 'l' : 's',
    number(position.entry),
    number(position.mark),
    number(position.leverage),
    VENUE_CODES[position.venue] ?? position.venue,
  ];
  if (position.qty) parts.push(number(position.qty));
  return parts.join(',');
}

const ENCODINGS: ReadonlyArray<[number, NumberStyle]> = [
  [12, 'plain'],
  [10, 'plain'],
  [8, 'plain'],
  [6, 'plain'],
  [6, 'compact'],
  [4, 'compact'],
  [3, 'compact'],
];

/** `maxBytes`: what the face allows this command's payloads (`ctx.actionPayloadBytes`); no limit when absent. */
export function encodeStepPayload(
  topic: string,
  step: number,
  position?: ReaderPosition,
  exampleVenue?: string,
  maxBytes = Number.POSITIVE_INFINITY,
): string {
  const base = `${topic}:${step}`;
  if (!position) return exampleVenue ? `${base}:@${VENUE_CODES[exampleVenue] ?? exampleVenue}` : base;
  for (const [digits, style] of ENCODINGS) {
    const payload = `${base}:${encodePosition(position, digits, style)}`;
    if (Buffer.byteLength(payload) <= maxBytes) return payload;
  }
  throw new Error(`explain payload for ${topic} step ${step} does not fit ${maxBytes} bytes`);
}

function decimalOrUndefined(text: string | undefined): Decimal | undefined {
  if (text === undefined || !/^\d+(\.\d+)?(e-?\d{1,4})?$/.test(text)) return undefined;
  return new Decimal(text);
}

/** Undefined when the payload is not one this command made (an old or forged button). */
export function decodePayload(payload: string): NavigationPayload | undefined {
  if (payload === CLOSE_PAYLOAD) return { kind: 'close' };
  const [topic, stepText, positionText, ...rest] = payload.split(':');
  if (rest.length || !topic || !/^\d{1,2}$/.test(stepText ?? '')) return undefined;
  const step = Number(stepText);
  if (positionText === undefined) return { kind: 'step', topic, step };
  if (positionText.startsWith('@')) {
    const exampleVenue = VENUE_BY_CODE[positionText.slice(1)];
    return exampleVenue ? { kind: 'step', topic, step, exampleVenue } : undefined;
  }
  const [sideCode, entryText, markText, leverageText, venueCode, qtyText, ...extra] = positionText.split(',');
  const entry = decimalOrUndefined(entryText);
  const mark = decimalOrUndefined(markText);
  const leverage = decimalOrUndefined(leverageText);
  const venue = VENUE_BY_CODE[venueCode ?? ''];
  const qty = qtyText === undefined ? undefined : decimalOrUndefined(qtyText);
  if (extra.length || (sideCode !== 'l' && sideCode !== 's') || !entry || !mark || !leverage || !venue) return undefined;
  if (qtyText !== undefined && !qty) return undefined;
  return {
    kind: 'step',
    topic,
    step,
    position: { side: sideCode === 'l' ? 'long' : 'short', entry, mark, leverage, venue, ...(qty ? { qty } : {}) },
  };
}
