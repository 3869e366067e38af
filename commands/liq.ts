import type { Command, ParsedArgs } from '../src/chat/command.ts';
import type { ChatContext } from '../src/chat/context.ts';
import type { Reply } from '../src/chat/reply.ts';
import { computeLiquidation, type LiquidationResult } from '../src/core/liquidation.ts';
import { formatLeverage, formatNumber, formatPercent, formatUsd } from '../src/core/numbers.ts';
import { VENUE_IDS, type VenueId } from '../src/core/venues.ts';
import type { Fallback } from '../src/market/tiers/service.ts';
import {
  assumptionLines,
  baseAsset,
  decimalString,
  positionFromArgs,
  positionOptions,
  positionWithTable,
  retryCommand,
  tableData,
  tableNote,
  venueName,
  withUserErrors,
} from './position-args.ts';

const EXAMPLE = '/liq binance long 122000 0.5 20x';

/** reply.data for --json: decimal strings, null + reason where a price does not exist. */
export function liquidationData(result: LiquidationResult, fallbacks: readonly Fallback[] = []): Record<string, unknown> {
  return {
    venue: result.venue,
    symbol: result.symbol,
    side: result.side,
    mode: result.mode,
    liquidationPrice: decimalString(result.liquidationPrice),
    noLiquidationReason: result.noLiquidationReason ?? null,
    bankruptcyPrice: decimalString(result.bankruptcyPrice),
    noBankruptcyReason: result.noBankruptcyReason ?? null,
    initialMargin: decimalString(result.initialMargin),
    maintenanceMargin: {
      atLiquidation: decimalString(result.maintenanceMargin.atLiquidation),
      atMark: decimalString(result.maintenanceMargin.atMark),
    },
    mmr: decimalString(result.mmr),
    maintenanceAmount: decimalString(result.maintenanceAmount),
    liquidationFeeRate: decimalString(result.liquidationFeeRate),
    tier: {
      index: result.tier.index,
      floor: decimalString(result.tier.floor),
      cap: decimalString(result.tier.cap),
      basis: result.tier.basis,
      maxLeverage: decimalString(result.tier.maxLeverage),
    },
    notional: decimalString(result.notional),
    quantity: decimalString(result.quantity),
    contracts: decimalString(result.contracts),
    contractSize: decimalString(result.contractSize),
    leverage: decimalString(result.leverage),
    leverageRequested: decimalString(result.leverageRequested),
    entryPrice: decimalString(result.entryPrice),
    markPrice: decimalString(result.markPrice),
    distanceFromMarkPct: decimalString(result.distanceFromMarkPct),
    liquidatedAtMark: result.liquidatedAtMark,
    assumptions: result.assumptions,
    source: result.source,
    table: tableData(result.table, fallbacks),
  };
}

export function liquidationReply(result: LiquidationResult, ctx: ChatContext, fallbacks: readonly Fallback[] = []): Reply {
  const { t, lang } = ctx;
  const venue = venueName(result.venue, ctx);
  const none = t('liq.value.none');
  const price = (value: LiquidationResult['liquidationPrice']) => (value ? formatUsd(value, lang) : none);
  const usd = (value: LiquidationResult['initialMargin']) => formatUsd(value, lang);
  const tier = result.tier;
  const fee = result.liquidationFeeRate.isZero() ? '' : t('liq.field.fee-rate', { fee: formatPercent(result.liquidationFeeRate, lang) });

  const distance = result.distanceFromMarkPct
    ? t(result.side === 'long' ? 'liq.value.distance-long' : 'liq.value.distance-short', {
        pct: formatPercent(result.distanceFromMarkPct.abs(), lang),
        mark: formatUsd(result.markPrice, lang),
      })
    : none;

  const why: string[] = [];
  if (result.liquidationPrice && result.bankruptcyPrice) {
    why.push(t(`liq.why.${result.side}`, { liquidation: price(result.liquidationPrice), bankruptcy: price(result.bankruptcyPrice) }));
  } else if (result.liquidationPrice) {
    // Only a long can lack a bankruptcy price (its collateral covers the whole position value).
    why.push(t('liq.why.long-no-bankruptcy', { liquidation: price(result.liquidationPrice) }));
  } else {
    why.push(t('liq.why.none'));
  }
  if (result.liquidatedAtMark) why.push(t('liq.why.liquidated-at-mark', { mark: formatUsd(result.markPrice, lang) }));
  if (result.mode === 'cross' && result.leverageRequested && result.leverage.gt(result.leverageRequested)) {
    why.push(t('liq.why.cross-wallet', {
      requested: formatLeverage(result.leverageRequested, lang),
      leverage: formatLeverage(result.leverage, lang),
      needed: formatUsd(result.notional.div(result.leverageRequested), lang),
    }));
  }
  const size = result.contracts
    ? t('liq.field.position-contracts', { contracts: formatNumber(result.contracts, lang, { maxDecimals: 4 }), quantity: formatNumber(result.quantity, lang, { maxDecimals: 6 }), base: baseAsset(result.symbol) })
    : `${formatNumber(result.quantity, lang, { maxDecimals: 6 })} ${baseAsset(result.symbol)}`;
  const bound = (value: LiquidationResult['tier']['floor']) =>
    result.tier.basis === 'quantity' ? `${formatNumber(value, lang, { maxDecimals: 6 })} ${baseAsset(result.symbol)}` : `${formatNumber(value, lang)} USDT`;

  return {
    title: t('liq.title', { venue, symbol: result.symbol, side: t(`liq.side.${result.side}`), leverage: formatLeverage(result.leverage, lang) }),
    tone: result.liquidatedAtMark ? 'warn' : 'info',
    blocks: [
      {
        kind: 'fields',
        fields: [
          { label: t('liq.field.liquidation'), value: price(result.liquidationPrice), inline: true },
          { label: t('liq.field.bankruptcy'), value: price(result.bankruptcyPrice), inline: true },
          { label: t('liq.field.distance'), value: distance, inline: true },
          { label: t('liq.field.initial-margin'), value: usd(result.initialMargin), inline: true },
          {
            label: t('liq.field.maintenance-margin'),
            value: t('liq.field.maintenance-margin-value', {
              atMark: usd(result.maintenanceMargin.atMark),
              atLiquidation: result.maintenanceMargin.atLiquidation ? usd(result.maintenanceMargin.atLiquidation) : none,
            }),
            inline: true,
          },
          {
            label: t('liq.field.mmr-tier'),
            value:
              t('liq.field.mmr-tier-value', {
                mmr: formatPercent(result.mmr, lang),
                amount: formatUsd(result.maintenanceAmount, lang),
                tier: tier.index,
                floor: bound(tier.floor),
                cap: tier.cap ? bound(tier.cap) : t('liq.value.no-cap'),
                maxLeverage: tier.maxLeverage ? formatLeverage(tier.maxLeverage, lang) : t('liq.value.unknown'),
              }) + fee,
            inline: false,
          },
          {
            label: t('liq.field.position'),
            value: t('liq.field.position-value', {
              size,
              notional: formatUsd(result.notional, lang),
              leverage: formatLeverage(result.leverage, lang),
              mode: t(`liq.mode.${result.mode}`),
            }),
            inline: false,
          },
        ],
      },
      { kind: 'text', text: why.join('\n') },
    ],
    footer: [
      ...assumptionLines(result.assumptions, ctx),
      t('liq.footer.source', { source: result.source }),
      tableNote(result.table, fallbacks, result.venue, ctx),
      t('liq.footer.disclaimer'),
    ].join('\n'),
    data: liquidationData(result, fallbacks),
  };
}

export const liqCommand: Command = {
  name: 'liq',
  aliases: ['liquidation'],
  description: {
    en: 'Liquidation and bankruptcy price of a position, per venue rules',
    vi: 'Giá thanh lý và giá phá sản của một vị thế theo quy tắc từng sàn',
  },
  options: positionOptions({ venueChoices: VENUE_IDS, markRequired: false }),
  examples: [
    { args: { venue: 'binance', side: 'long', entry: '122000', qty: '0.5', leverage: '20x' }, positional: ['binance', 'long', '122000', '0.5', '20x'] },
    { args: { venue: 'hyperliquid', side: 'short', entry: '102000', notional: '50000', leverage: '10x', symbol: 'BTC' } },
    { args: { venue: 'hyperliquid', side: 'long', entry: '4300', qty: '10', mode: 'cross', wallet: '5000', symbol: 'ETHUSDT' } },
    { args: { venue: 'okx', side: 'long', entry: '122000', contracts: '50', leverage: '10x', mmr: '0.4%' } },
  ],
  cost: 'light',
  async run(args: ParsedArgs, ctx: ChatContext): Promise<Reply> {
    const position = positionFromArgs(args, ctx, EXAMPLE);
    const { input, lookup } = await positionWithTable(position.venue as VenueId, position.input, ctx, EXAMPLE, (extra) =>
      retryCommand(liqCommand, args, ctx, extra),
    );
    const result = withUserErrors(ctx.lang, EXAMPLE, () => computeLiquidation(input));
    return liquidationReply(result, ctx, lookup.fallbacks);
  },
};
