import { Decimal } from 'decimal.js';
import type { Command, Lang, OptionSpec, ParsedArgs } from '../src/chat/command.ts';
import type { ChatContext } from '../src/chat/context.ts';
import { UserError } from '../src/chat/errors.ts';
import type { Params } from '../src/chat/i18n.ts';
import { isCalculationInputError } from '../src/core/errors.ts';
import { formatNumber, formatPercent, NumberInputError, parseHumanNumber } from '../src/core/numbers.ts';
import type { PositionInput } from '../src/core/position.ts';
import type { TableUsed } from '../src/core/liquidation.ts';
import { baseOfSymbol, normaliseSymbol, VENUE_IDS, type VenueId } from '../src/core/venues.ts';
import { SHIPPED_TABLES_ONLY, type Fallback, type TableLookup, type VenueTables } from '../src/market/tiers/service.ts';
import { serviceKey } from '../src/chat/services.ts';
import { formatExample } from '../src/chat/usage.ts';

/**
 * A symbol typed as a bare word (`DOGE`, `ETHUSDT`, `1000PEPEUSDT`, `BTC-USDT-SWAP`): letters and digits with
 * two letters in a row, not a number with a unit (`122k`, `20x`, `150tr`).
 */
const SYMBOL_WORD = /^(?!\d+(?:k|m|b|tr|x)$)(?=[A-Za-z0-9]*[A-Za-z]{2})[A-Za-z0-9]{2,20}(?:[-/](?:USDT|USDC|USD))?(?:-SWAP|-PERP)?$/i;

/**
 * The position options shared by /liq and /adl-rank, and the translation of bad input into
 * UserError (i18n namespace `liq`). Option names are the CLI contract (`--other-mm` → `other-mm`).
 */
export function positionOptions(options: { venueChoices: readonly string[]; markRequired: boolean }): OptionSpec[] {
  const mark: OptionSpec = {
    name: 'mark',
    kind: 'price',
    required: options.markRequired,
    positional: options.markRequired,
    description: { en: 'Mark price now (default: entry)', vi: 'Giá đánh dấu hiện tại (mặc định: giá vào lệnh)' },
  };
  return [
    { name: 'venue', kind: 'enum', choices: options.venueChoices, required: true, positional: true, description: { en: 'Exchange', vi: 'Sàn giao dịch' } },
    { name: 'side', kind: 'enum', choices: ['long', 'short'], required: true, positional: true, description: { en: 'long or short', vi: 'long hoặc short' } },
    { name: 'entry', kind: 'price', required: true, positional: true, description: { en: 'Entry price', vi: 'Giá vào lệnh' } },
    ...(options.markRequired ? [mark] : []),
    { name: 'qty', aliases: ['q', 'size'], kind: 'number', positional: true, slotTakenBy: ['notional', 'contracts'], description: { en: 'Size in coins (or give notional)', vi: 'Khối lượng theo coin (hoặc nhập notional)' } },
    { name: 'leverage', aliases: ['lev'], kind: 'leverage', positional: true, slotTakenBy: ['margin'], description: { en: 'Leverage, e.g. 10x', vi: 'Đòn bẩy, ví dụ 10x' } },
    { name: 'symbol', kind: 'string', default: 'BTCUSDT', autocomplete: 'symbol', bareWord: SYMBOL_WORD, description: { en: 'Symbol, e.g. BTC, ETHUSDT', vi: 'Cặp giao dịch, ví dụ BTC, ETHUSDT' } },
    { name: 'notional', kind: 'number', description: { en: 'Size in USDT instead of qty', vi: 'Giá trị vị thế bằng USDT thay cho qty' } },
    { name: 'contracts', kind: 'number', description: { en: 'Size in contracts (OKX, BitMEX) instead of qty', vi: 'Khối lượng theo số hợp đồng (OKX, BitMEX) thay cho qty' } },
    { name: 'margin', kind: 'number', description: { en: 'Isolated margin in USDT instead of leverage', vi: 'Ký quỹ cô lập bằng USDT thay cho đòn bẩy' } },
    { name: 'mode', kind: 'enum', choices: ['isolated', 'cross'], default: 'isolated', description: { en: 'isolated or cross margin', vi: 'ký quỹ cô lập (isolated) hoặc chéo (cross)' } },
    { name: 'wallet', kind: 'number', description: { en: 'Cross: wallet balance in USDT', vi: 'Ký quỹ chéo: số dư ví (USDT)' } },
    { name: 'other-mm', kind: 'number', description: { en: 'Cross: maintenance margin of your other positions', vi: 'Ký quỹ chéo: ký quỹ duy trì của các vị thế khác' } },
    { name: 'other-upnl', kind: 'number', description: { en: 'Cross: unrealised PnL of your other positions', vi: 'Ký quỹ chéo: PnL chưa ghi nhận của các vị thế khác' } },
    { name: 'mmr', kind: 'rate', description: { en: 'Your maintenance margin rate from the venue, e.g. 0.4%', vi: 'Tỷ lệ ký quỹ duy trì của bạn theo sàn, ví dụ 0,4%' } },
    { name: 'cum', kind: 'number', description: { en: 'Your maintenance amount (deduction) from the venue', vi: 'Số tiền khấu trừ ký quỹ duy trì của bạn theo sàn' } },
    ...(options.markRequired ? [] : [mark]),
  ];
}

const NUMERIC_PARAMS = new Set(['max', 'notional', 'leverage', 'liquidation', 'entry', 'value', 'mark', 'bankruptcy']);

function formatParams(params: Record<string, string | number>, lang: Lang): Params {
  const out: Params = {};
  for (const [key, value] of Object.entries(params)) {
    const numeric = typeof value === 'number' || /^-?\d+(\.\d+)?$/.test(value);
    out[key] = NUMERIC_PARAMS.has(key) && numeric && value !== '' ? formatNumber(value, lang, { maxDecimals: 4 }) : value;
  }
  return out;
}

export function userErrorFor(code: string, params: Record<string, string | number>, lang: Lang, example: string): UserError {
  const shown = formatParams(params, lang);
  // A maintenance rate arrives as a fraction; the user typed a percent (`mmr=100%`), so show one.
  if (code === 'mmr-out-of-range' && params.value !== undefined && /^-?\d+(\.\d+)?$/.test(String(params.value))) {
    shown.value = formatPercent(String(params.value), lang);
  }
  return new UserError(`liq.error.${code}`, shown, { key: 'liq.hint.example', params: { example } });
}

/** Runs a core calculation, turning CalculationInputError into a translated UserError. */
export function withUserErrors<T>(lang: Lang, example: string, calculate: () => T): T {
  try {
    return calculate();
  } catch (error) {
    if (isCalculationInputError(error)) throw userErrorFor(error.code, error.params, lang, example);
    throw error;
  }
}

/** What a numeric option may carry: `%` only on rates (`mmr=0.4%`), `x` only on leverage (`10x`). */
type NumberShape = 'amount' | 'rate' | 'leverage';
const SHAPES: Record<string, NumberShape> = { leverage: 'leverage', mmr: 'rate' };

/** A numeric option as a Decimal, whether the parser already made it one or it is still text. */
export function decimalArg(args: ParsedArgs, name: string, lang: Lang, example: string): Decimal | undefined {
  const shape = SHAPES[name] ?? 'amount';
  const raw = args[name];
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (Decimal.isDecimal(raw)) {
    if (!raw.isFinite()) throw userErrorFor('not-finite', { field: name }, lang, example);
    return raw;
  }
  if (typeof raw === 'number') {
    if (!Number.isFinite(raw)) throw userErrorFor('not-finite', { field: name }, lang, example);
    return new Decimal(raw);
  }
  try {
    const parsed = parseHumanNumber(String(raw), lang);
    // `entry=5%` or `qty=10x` is not a price or a size: refuse rather than read 0.05 or 10.
    if ((parsed.percent && shape !== 'rate') || (parsed.multiplier && shape !== 'leverage')) {
      throw userErrorFor('number', { field: name, input: String(raw) }, lang, example);
    }
    return parsed.value;
  } catch (error) {
    if (!(error instanceof NumberInputError)) throw error;
    if (error.code === 'ambiguous' && error.readings) {
      throw userErrorFor('ambiguous', { field: name, input: error.input, first: error.readings[0], second: error.readings[1] }, lang, example);
    }
    if (error.code === 'too-large') throw userErrorFor('too-large', { field: name, max: '1000000000000' }, lang, example);
    if (error.code === 'not-finite') throw userErrorFor('not-finite', { field: name }, lang, example);
    throw userErrorFor('number', { field: name, input: error.input }, lang, example);
  }
}

function stringArg(args: ParsedArgs, name: string): string | undefined {
  const raw = args[name];
  if (raw === undefined || raw === null || raw === '') return undefined;
  return String(raw).trim();
}

export function requiredString(args: ParsedArgs, name: string, lang: Lang, example: string): string {
  const value = stringArg(args, name);
  if (value === undefined) throw userErrorFor('missing', { field: name, example }, lang, example);
  return value;
}

export interface PositionArgs {
  venue: string;
  input: Omit<PositionInput, 'venue'>;
}

/** Reads venue, side and the position's numbers from parsed options. */
export function positionFromArgs(args: ParsedArgs, ctx: ChatContext, example: string, allowedVenues: readonly string[] = VENUE_IDS): PositionArgs {
  const lang = ctx.lang;
  const venue = requiredString(args, 'venue', lang, example).toLowerCase();
  if (!allowedVenues.includes(venue)) throw userErrorFor('unknown-venue', { venue, venues: allowedVenues.join(', ') }, lang, example);
  const sideText = requiredString(args, 'side', lang, example).toLowerCase();
  if (sideText !== 'long' && sideText !== 'short') throw userErrorFor('bad-side', { value: sideText }, lang, example);
  const modeText = (stringArg(args, 'mode') ?? 'isolated').toLowerCase();
  if (modeText !== 'isolated' && modeText !== 'cross') throw userErrorFor('bad-mode', { value: modeText }, lang, example);
  const entryPrice = decimalArg(args, 'entry', lang, example);
  if (entryPrice === undefined) throw userErrorFor('missing', { field: 'entry', example }, lang, example);
  const number = (name: string) => decimalArg(args, name, lang, example);
  return {
    venue,
    input: {
      symbol: stringArg(args, 'symbol') ?? 'BTCUSDT',
      side: sideText,
      mode: modeText,
      entryPrice,
      quantity: number('qty'),
      contracts: number('contracts'),
      notional: number('notional'),
      leverage: number('leverage'),
      margin: number('margin'),
      walletBalance: number('wallet'),
      otherMaintenanceMargin: number('other-mm'),
      otherUnrealizedPnl: number('other-upnl'),
      mmrOverride: number('mmr'),
      maintenanceAmountOverride: number('cum'),
      markPrice: number('mark'),
    },
  };
}

/** Decimal → plain decimal string for reply.data (no exponent, at most 8 decimals). */
export function decimalString(value: Decimal | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  return value.toDecimalPlaces(8).toFixed();
}

/** `BTCUSDT` → `BTC` */
export const baseAsset = baseOfSymbol;

/** Assumption ids → translated sentences. */
export function assumptionLines(ids: readonly string[], ctx: ChatContext): string[] {
  return ids.map((id) => ctx.t(`venues.assumption.${id}`));
}

/** Runs an async core step (a table lookup), turning CalculationInputError into a translated UserError. */
export async function withUserErrorsAsync<T>(lang: Lang, example: string, calculate: () => Promise<T>): Promise<T> {
  try {
    return await calculate();
  } catch (error) {
    if (isCalculationInputError(error)) throw userErrorFor(error.code, error.params, lang, example);
    throw error;
  }
}

/** A venue's name in the user's language (`Bybit USDT perpetual` / `Bybit hợp đồng vĩnh cửu USDT`). */
export function venueName(venue: string, ctx: ChatContext): string {
  return ctx.t(`venues.display.${venue}`);
}

/** Per-symbol tier tables (`/liq`, `/adl-rank`); without it only the shipped tables are used. */
export const VENUE_TABLES = serviceKey<VenueTables>('venue-tables');

/**
 * The symbol's tier table for a position, by the lookup order (fresh → venue → stored → shipped), and
 * the position input with it. The user's own `mmr=` replaces the table (the lookup still gives the
 * contract size). No table and no `mmr=`: a UserError that says what was tried and asks for the MMR,
 * with where to find it on the venue's screen.
 */
export async function positionWithTable(
  venue: VenueId,
  input: PositionArgs['input'],
  ctx: ChatContext,
  example: string,
  /** The user's own command with options added, as this face types it: offered when the MMR must be typed. */
  retry?: (extra: Record<string, string>) => string,
): Promise<{ input: PositionInput; lookup: TableLookup }> {
  const symbol = await withUserErrorsAsync(ctx.lang, example, async () => normaliseSymbol(input.symbol ?? 'BTCUSDT'));
  const tables = ctx.services.get(VENUE_TABLES) ?? SHIPPED_TABLES_ONLY;
  const quantity = input.quantity ?? (input.notional ? input.notional.div(input.entryPrice) : undefined);
  const lookup = await tables.lookup(venue, symbol, { mode: input.mode ?? 'isolated', quantity, entryPrice: input.entryPrice, user: { platform: ctx.face.id, userId: ctx.user.id } });
  const withContract = { ...input, venue, symbol, contract: lookup.contract };
  if (input.mmrOverride !== undefined) return { input: withContract, lookup };
  if (!lookup.table) throw tableMissingError(venue, symbol, lookup.fallbacks, ctx, example, retry);
  return { input: { ...withContract, table: lookup.table }, lookup };
}

/** Why the venue's own table was not used, as one translated phrase per source tried. */
export function fallbackText(fallbacks: readonly Fallback[], ctx: ChatContext): string {
  return fallbacks.map((f) => ctx.t(`liq.fallback.${f.reason}`)).join('; ');
}

function tableMissingError(
  venue: VenueId,
  symbol: string,
  fallbacks: readonly Fallback[],
  ctx: ChatContext,
  example: string,
  retry?: (extra: Record<string, string>) => string,
): UserError {
  const tried = fallbackText(fallbacks, ctx);
  // Placeholders, not numbers: a copied example must not become an answer on a made-up tier.
  const numbers = ctx.lang === 'vi' ? { mmr: 'TỶ_LỆ%', cum: 'SỐ_TIỀN' } : { mmr: 'RATE%', cum: 'AMOUNT' };
  return new UserError(
    'liq.error.table-missing',
    { venue: venueName(venue, ctx), symbol, tried: tried || ctx.t('liq.fallback.none'), where: ctx.t(`venues.where.${venue}`) },
    retry
      ? // The user's own position again, with the two numbers to read off the venue's screen.
        { key: 'liq.hint.retry', params: { command: retry(numbers) } }
      : { key: 'liq.hint.example', params: { example: `${example.replace(/ (binance|bybit|okx|bitmex|hyperliquid|dydx) /, ` ${venue} `)} mmr=${numbers.mmr} cum=${numbers.cum}` } },
  );
}

/**
 * The command the user typed, with `extra` options added (or replaced), written as this face types
 * commands: what a hint offers to send again. Options left at their default are not repeated.
 */
export function retryCommand(command: Command, args: ParsedArgs, ctx: ChatContext, extra: Record<string, string>): string {
  const typed: Record<string, string> = {};
  for (const option of command.options) {
    const value = args[option.name];
    if (value === undefined || option.name in extra) continue;
    if (option.default !== undefined && String(value) === String(option.default)) continue;
    const asFraction = option.kind === 'rate' || option.kind === 'percent';
    typed[option.name] = asFraction && Decimal.isDecimal(value) ? `${value.times(100).toString()}%` : String(value);
  }
  return formatExample(command, { args: { ...typed, ...extra } }, ctx.face, ctx.lang);
}

/** `2021-06-22` → `2021-06-22` (en) or `22/06/2021` (vi). */
export function formatDay(iso: string, lang: Lang): string {
  const [y, m, d] = iso.slice(0, 10).split('-');
  return lang === 'vi' ? `${d}/${m}/${y}` : `${y}-${m}-${d}`;
}

/** A duration for people: `5 min`, `3 h`, `12 days` (vi: `5 phút`, `3 giờ`, `12 ngày`). */
export function formatAge(ms: number, lang: Lang): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  const unit = (n: number, en: string, vi: string) => `${formatNumber(n, lang)} ${lang === 'vi' ? vi : en}`;
  if (minutes < 60) return unit(minutes, 'min', 'phút');
  const hours = Math.round(minutes / 60);
  if (hours < 48) return unit(hours, 'h', 'giờ');
  return unit(Math.round(hours / 24), 'days', 'ngày');
}

/** The sentence that names the table an answer used: its symbol, where it came from and when. */
export function tableNote(table: TableUsed, fallbacks: readonly Fallback[], venue: string, ctx: ChatContext): string {
  const { t, lang } = ctx;
  const name = venueName(venue, ctx);
  const fetched = table.fetchedAt ? formatDay(table.fetchedAt, lang) : '';
  let note: string;
  switch (table.source) {
    case 'venue':
      note = t('liq.table.venue', { symbol: table.symbol, venue: name, fetched, url: table.url });
      break;
    case 'stored':
      note = t('liq.table.stored', {
        symbol: table.symbol,
        venue: name,
        fetched,
        age: table.fetchedAt ? formatAge(ctx.now().getTime() - Date.parse(table.fetchedAt), lang) : '?',
        url: table.url,
      });
      break;
    case 'shipped':
      note = table.publishedAt
        ? t('liq.table.shipped-dated', { symbol: table.symbol, venue: name, published: formatDay(table.publishedAt, lang), fetched, url: table.url })
        : t('liq.table.shipped', { symbol: table.symbol, venue: name, fetched, url: table.url });
      break;
    case 'user':
      return t('liq.table.user', { symbol: table.symbol });
    case 'account':
      // Read with the user's own key: their account's brackets, which Binance can adjust per account.
      return t('keys.liq-table-account', { symbol: table.symbol, venue: name, fetched, url: table.url });
  }
  const why = fallbackText(fallbacks.filter((f) => f.reason !== 'fetching-off' || table.source !== 'venue'), ctx);
  return why && table.source !== 'venue' ? `${note} ${t('liq.table.why', { why })}` : note;
}

/** reply.data's `table`: the table used and the sources passed over. */
export function tableData(table: TableUsed, fallbacks: readonly Fallback[]): Record<string, unknown> {
  return { ...table, fallbacks: fallbacks.map((f) => ({ step: f.step, reason: f.reason, ...(f.detail ? { detail: f.detail } : {}) })) };
}
