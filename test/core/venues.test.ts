import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Decimal } from 'decimal.js';
import { loadCatalog } from '../../src/chat/i18n.ts';
import { CalculationInputError } from '../../src/core/errors.ts';
import {
  getVenue,
  loadVenueFile,
  maintenanceMargin,
  maintenanceRateFromMaxLeverage,
  nextMaintenanceAmount,
  normaliseSymbol,
  RANKED_VENUES,
  shippedTable,
  symbolRules,
  tierFor,
  tierForNotional,
  VENUE_IDS,
} from '../../src/core/venues.ts';
import { computeLiquidation } from '../../src/core/liquidation.ts';
import { tierTableFromJson, tierTableProblems, tierTableToJson, TierTableError, type TierTable } from '../../src/core/tier-table.ts';

const d = (value: Decimal.Value) => new Decimal(value);

test('every venue file loads and validates, and ships only tables named for their own symbol', () => {
  for (const id of VENUE_IDS) {
    const venue = loadVenueFile(id);
    assert.ok(venue.sources.length > 0, 'venue.sources.length > 0');
    assert.equal(venue.adl.ranked, RANKED_VENUES.includes(id));
    for (const [symbol, table] of Object.entries(venue.shipped)) {
      assert.equal(table.symbol, symbol, `${id} ${symbol}`);
      assert.equal(table.venue, id);
      assert.equal(table.source, 'shipped');
    }
  }
  assert.equal(getVenue('dydx').adl.formula, 'random');
  // What is shipped: official, dated pages only (docs/venues.md lists them).
  assert.deepEqual(Object.fromEntries(VENUE_IDS.map((id) => [id, Object.keys(getVenue(id).shipped).sort()])), {
    binance: ['BTCUSDT'], bybit: ['BTCUSDT'], okx: [], bitmex: [], hyperliquid: ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'], dydx: [],
  });
});

test('every shipped table names the venue page it was read from and the day it was read', () => {
  for (const id of VENUE_IDS) {
    for (const [key, table] of Object.entries(getVenue(id).shipped)) {
      assert.match(table.url, /^https:\/\//, `${id} ${key} url`);
      assert.match(table.fetchedAt ?? '', /^\d{4}-\d{2}-\d{2}$/, `${id} ${key} read date`);
    }
  }
  assert.equal(symbolRules('binance', 'BTC').publishedAt, '2021-06-22');
});

test('no symbol borrows another symbol\'s table: without its own, the lookup says table-missing', () => {
  assert.equal(shippedTable('binance', 'ETHUSDT'), undefined);
  assert.equal(shippedTable('okx', 'BTCUSDT'), undefined);
  assert.throws(() => symbolRules('binance', 'DOGE'), (e: unknown) => e instanceof CalculationInputError && e.code === 'table-missing');
  assert.throws(
    () => computeLiquidation({ venue: 'binance', symbol: 'DOGEUSDT', side: 'long', entryPrice: d('0.2'), quantity: d(1000), leverage: d(20) }),
    (e: unknown) => e instanceof CalculationInputError && e.code === 'table-missing' && e.params.symbol === 'DOGEUSDT',
  );
  // A table handed in for another symbol is refused too.
  assert.throws(
    () => computeLiquidation({ venue: 'binance', symbol: 'ETHUSDT', side: 'long', entryPrice: d(4000), quantity: d(1), leverage: d(10), table: symbolRules('binance', 'BTCUSDT') }),
    (e: unknown) => e instanceof CalculationInputError && e.code === 'table-missing',
  );
});

test('shipped tables are sound: contiguous, leverage never rises, MMR never falls, amounts follow the recursion', () => {
  for (const id of VENUE_IDS) {
    for (const [key, table] of Object.entries(getVenue(id).shipped)) {
      assert.deepEqual(tierTableProblems(table), [], `${id} ${key}`);
      for (let i = 1; i < table.tiers.length; i++) {
        const [previous, tier] = [table.tiers[i - 1], table.tiers[i]];
        const expected = nextMaintenanceAmount(tier.floor, tier.mmr, previous.mmr, previous.maintenanceAmount);
        assert.ok(expected.minus(tier.maintenanceAmount).abs().lt(0.01), `${id} ${key} tier ${i + 1}`);
      }
    }
  }
});

test('recursion check: a table whose amount breaks cum_n = floor_n × (mmr_n − mmr_{n−1}) + cum_{n−1} is refused, and says where', () => {
  const good = symbolRules('bybit', 'BTCUSDT');
  const broken: TierTable = { ...good, tiers: good.tiers.map((t) => (t.index === 3 ? { ...t, maintenanceAmount: d(3000) } : t)) };
  assert.match(tierTableProblems(broken)[0], /tier 3: maintenance amount 3000 breaks the recursion \(expected 3020\)/);
  assert.throws(() => tierTableFromJson({ ...tierTableToJson(broken) }), (e: unknown) => e instanceof TierTableError && /tier 3/.test(e.problem));
  const gap: TierTable = { ...good, tiers: good.tiers.map((t) => (t.index === 2 ? { ...t, floor: d(2_100_000) } : t)) };
  assert.match(tierTableProblems(gap).join(' '), /tier 2 starts at 2100000, not at tier 1's cap 2000000/);
  const maintenanceAboveInitial: TierTable = { ...good, tiers: [{ ...good.tiers[0], mmr: d('0.02') }] };
  assert.match(tierTableProblems(maintenanceAboveInitial)[0], /not below the initial margin/);
  // JSON round trip keeps a sound table as it was.
  assert.deepEqual(tierTableToJson(tierTableFromJson(tierTableToJson(good))), tierTableToJson(good));
});

// Binance FAQ worked examples (text in github bradkyle/Qenv logic/binance.md, a copy of
// https://www.binance.com/en/support/faq/360033162192 "Leverage and Margin of USDⓈ-M Futures").
test('B1: a 264,000 USDT BTCUSDT position sits in the 1% bracket with a 1,300 USDT maintenance amount (announcement of 22 Jun 2021)', () => {
  const tier = tierFor(symbolRules('binance', 'BTCUSDT'), d(264_000));
  assert.ok(tier, 'tier');
  assert.equal(tier.mmr.toString(), '0.01');
  assert.equal(tier.maintenanceAmount.toString(), '1300');
});

// Binance, "How to Calculate Liquidation Price of USDⓈ-M Futures Contracts",
// https://www.binance.com/en/support/faq/b3c689c1f50a44cabb3a84e663b81d93: "if the position size of a USDT-margined BTCUSDT
// contract is 500,000 USDT, then the maintenance amount would be 1,300 USDT"; "the Maintenance Amount on Level 3
// = 250,000 * (1% - 0.5%) + 50 USDT = 1,300 USDT".
test('B3 (Binance FAQ): 500,000 USDT → maintenance amount 1,300; level 3 = 250,000 × (1% − 0.5%) + 50 = 1,300', () => {
  const tier = tierFor(symbolRules('binance', 'BTCUSDT'), d(500_000));
  assert.equal(tier?.index, 3);
  assert.equal(tier?.maintenanceAmount.toString(), '1300');
  assert.equal(nextMaintenanceAmount('250000', '0.01', '0.005', '50').toString(), '1300');
});

test('B2: level 5 maintenance amount = 5,000,000 × (5% − 2.5%) + 16,300 = 141,300 USDT', () => {
  assert.equal(nextMaintenanceAmount('5000000', '0.05', '0.025', '16300').toString(), '141300');
});

test('B2 in the shipped table: Binance BTCUSDT bracket 5 (5M–20M, 5%) carries 141,300, and every cum follows the recursion', () => {
  const tiers = symbolRules('binance', 'BTCUSDT').tiers;
  assert.deepEqual(
    tiers.map((t) => t.maintenanceAmount.toString()),
    ['0', '50', '1300', '16300', '141300', '1141300', '2391300', '4891300', '24891300'],
  );
});

// Bybit Margin Parameters, https://www.bybit.com/en/announcement-info/margin-parameters
test('Y6: Bybit BTCUSDT deductions 1,200 (tier 2) and 3,020 (tier 3) follow the recursion', () => {
  const tiers = symbolRules('bybit', 'BTCUSDT').tiers;
  assert.equal(nextMaintenanceAmount(tiers[1].floor, tiers[1].mmr, tiers[0].mmr, 0).toString(), '1200');
  assert.equal(nextMaintenanceAmount(tiers[2].floor, tiers[2].mmr, tiers[1].mmr, 1200).toString(), '3020');
  assert.equal(tiers[2].maintenanceAmount.toString(), '3020');
});

// Bybit Margin Parameters, BTCUSDT, all 20 tiers as published (https://www.bybit.com/en/announcement-info/margin-parameters,
// read from a stored copy): risk limit, max leverage, MMR, MM deduction.
const BYBIT_BTCUSDT_PUBLISHED: Array<[number, number, string, number]> = [
  [2_000_000, 100, '0.005', 0], [2_600_000, 90, '0.0056', 1_200], [3_200_000, 80, '0.0063', 3_020], [3_800_000, 75, '0.0067', 4_300],
  [4_400_000, 70, '0.0071', 5_820], [5_000_000, 65, '0.0077', 8_460], [5_600_000, 55, '0.0091', 15_460], [8_500_000, 50, '0.01', 20_500],
  [10_000_000, 45, '0.013', 46_000], [14_000_000, 40, '0.015', 66_000], [20_000_000, 35, '0.016', 80_000], [28_000_000, 30, '0.02', 160_000],
  [38_000_000, 25, '0.025', 300_000], [50_000_000, 20, '0.029', 452_000], [55_000_000, 19, '0.03', 502_000], [60_000_000, 18, '0.035', 777_000],
  [65_000_000, 17, '0.036', 837_000], [70_000_000, 16, '0.038', 967_000], [75_000_000, 15, '0.04', 1_107_000], [80_000_000, 14, '0.045', 1_482_000],
];

test('Y7: all 20 published Bybit BTCUSDT deductions follow the recursion, and our table is that table (tiers 1–8)', () => {
  for (let i = 1; i < BYBIT_BTCUSDT_PUBLISHED.length; i++) {
    const [, , mmr, deduction] = BYBIT_BTCUSDT_PUBLISHED[i];
    const [floor, , previousMmr, previousDeduction] = BYBIT_BTCUSDT_PUBLISHED[i - 1];
    assert.equal(nextMaintenanceAmount(floor, mmr, previousMmr, previousDeduction).toString(), String(deduction), `tier ${i + 1}`);
  }
  const ours = symbolRules('bybit', 'BTCUSDT').tiers;
  ours.forEach((tier, i) => {
    const [cap, maxLeverage, mmr, deduction] = BYBIT_BTCUSDT_PUBLISHED[i];
    assert.deepEqual(
      [tier.cap?.toNumber(), tier.maxLeverage?.toNumber(), tier.mmr.toString(), tier.maintenanceAmount.toNumber()],
      [cap, maxLeverage, mmr, deduction],
      `tier ${i + 1}`,
    );
  });
});

// Bybit "Maintenance Margin (USDT Contract)" illustration (Bybit help center): XYZUSDT tiers 0–1,000 at 2%, to 2,000 at 2.5%,
// to 3,000 at 3%, to 4,000 at 3.5%, to 5,000 at 4%; a 100-contract long at 35 USDT has a position value of 3,500 USDT.
// The page's result is cut off in our stored copy; 92.5 is recomputed tier by tier (20 + 25 + 30 + 17.5).
test('Y8 (Bybit MM illustration): 3,500 USDT of XYZUSDT needs 3,500 × 3.5% − 30 = 92.5 USDT, the same as tier by tier', () => {
  const rates = ['0.02', '0.025', '0.03', '0.035', '0.04'];
  let amount = d(0);
  const tiers = rates.map((mmr, i) => {
    if (i > 0) amount = nextMaintenanceAmount(i * 1000, mmr, rates[i - 1], amount);
    return { index: i + 1, floor: d(i * 1000), cap: d((i + 1) * 1000), maxLeverage: d(10), mmr: d(mmr), maintenanceAmount: amount };
  });
  const tier = tierForNotional(tiers, d(3500), 'cap-inclusive')!;
  assert.equal(tier.index, 4);
  assert.equal(tier.maintenanceAmount.toString(), '30');
  assert.equal(maintenanceMargin(tier, d(3500)).toString(), '92.5');
});

// Hyperliquid, https://hyperliquid.gitbook.io/hyperliquid-docs/trading/liquidations and .../margin-tiers
test('H1: Hyperliquid MMR is half the initial margin at max leverage (50x → 1%, 3x → 16.7%, 20x → 2.5%, 40x → 1.25%)', () => {
  assert.equal(maintenanceRateFromMaxLeverage(50).toString(), '0.01');
  assert.equal(maintenanceRateFromMaxLeverage(3).toDecimalPlaces(3).toString(), '0.167');
  assert.equal(maintenanceRateFromMaxLeverage(20).toString(), '0.025');
  assert.equal(maintenanceRateFromMaxLeverage(40).toString(), '0.0125');
  for (const table of Object.values(getVenue('hyperliquid').shipped)) {
    for (const tier of table.tiers) assert.ok(maintenanceRateFromMaxLeverage(tier.maxLeverage!).minus(tier.mmr).abs().lt('1e-15'), 'maintenanceRateFromMaxLeverage(tier.maxLeverage).minus(tier.mmr).abs().lt("1e-15")');
  }
});

test('H2: Hyperliquid BTC tier-2 deduction = 150,000,000 × (2.5% − 1.25%) = 1,875,000', () => {
  const tiers = symbolRules('hyperliquid', 'BTC').tiers;
  assert.equal(nextMaintenanceAmount(tiers[1].floor, tiers[1].mmr, tiers[0].mmr, 0).toString(), '1875000');
  assert.equal(tiers[1].maintenanceAmount.toString(), '1875000');
});

test('symbols are normalised whatever way they are typed', () => {
  for (const typed of ['btc', 'BTC', 'BTCUSDT', 'BTC-USDT', 'btc/usdt', 'BTC-USDT-SWAP', 'BTC-USD', ' btcusdt ', 'XBTUSDT']) {
    assert.equal(normaliseSymbol(typed), 'BTCUSDT', typed);
  }
  assert.equal(normaliseSymbol('eth'), 'ETHUSDT');
  assert.throws(() => normaliseSymbol('$$$'), (e: unknown) => e instanceof CalculationInputError && e.code === 'unknown-symbol');
});

test('unknown venues are refused with the list of venues', () => {
  assert.throws(() => getVenue('ftx'), (e: unknown) => e instanceof CalculationInputError && e.code === 'unknown-venue' && String(e.params.venues).includes('hyperliquid'));
});

test('tierForNotional: floor-inclusive tables own their floor, and beyond the last capped tier there is none', () => {
  const tiers = symbolRules('hyperliquid', 'BTC').tiers;
  assert.equal(tierForNotional(tiers, d(0))?.index, 1);
  assert.equal(tierForNotional(tiers, d('149999999.99'))?.index, 1);
  assert.equal(tierForNotional(tiers, d(150_000_000))?.index, 2);
  assert.equal(tierForNotional(tiers, d('1e11'))?.index, 2);
  const binance = symbolRules('binance', 'BTCUSDT').tiers;
  assert.equal(tierForNotional(binance, d(300_000_000), 'cap-inclusive')?.index, 9);
  assert.equal(tierForNotional(binance, d(300_000_001), 'cap-inclusive'), null);
});

// Binance: "0 < Position ≤ 50,000 · 125x", "50,000 < Position ≤ 250,000 · 100x"
// (https://www.binance.com/tr/support/announcement/86cf9aa472574b8cb2e05bb751c2a9a6, 2021-03-18).
// Bybit: "a position value of 2,000,000 USDT or below … MMR 0.5%" (Maintenance Margin (USDT Contract)).
// Hyperliquid: tiers start at notional_lower_bound (https://hyperliquid.gitbook.io/hyperliquid-docs/trading/margin-tiers).
test('each venue puts a boundary notional where its docs do: Binance, Bybit, OKX and BitMEX close a tier at its cap, Hyperliquid opens one at its floor', () => {
  assert.equal(getVenue('binance').tierBounds, 'cap-inclusive');
  assert.equal(tierFor(symbolRules('binance', 'BTCUSDT'), d(50_000))?.index, 1);
  assert.equal(tierFor(symbolRules('binance', 'BTCUSDT'), d('50000.01'))?.index, 2);
  assert.equal(tierFor(symbolRules('binance', 'BTCUSDT'), d(0))?.index, 1);
  assert.equal(tierFor(symbolRules('bybit', 'BTCUSDT'), d(2_000_000))?.index, 1);
  assert.equal(tierFor(symbolRules('bybit', 'BTCUSDT'), d(2_000_001))?.index, 2);
  assert.equal(getVenue('okx').tierBounds, 'cap-inclusive');
  assert.equal(getVenue('okx').tierBasis, 'quantity');
  assert.equal(getVenue('bitmex').tierBounds, 'cap-inclusive');
  assert.equal(tierFor(symbolRules('hyperliquid', 'BTC'), d(150_000_000))?.index, 2);
  assert.equal(tierFor(symbolRules('hyperliquid', 'BTC'), d('149999999.99'))?.index, 1);
  // A position at exactly Binance's 50,000 cap may use 125x (bracket 1), not bracket 2's 100x.
  const atCap = computeLiquidation({ venue: 'binance', side: 'long', entryPrice: d(50_000), quantity: d(1), leverage: d(125) });
  assert.equal(atCap.tier.index, 1);
});

test('every assumption a venue file or the calculators can emit has English and Vietnamese text', () => {
  const catalog = loadCatalog();
  const fromCode = ['cross-others-fixed', 'cross-wallet-decides', 'overrides-used', 'one-way-mode', 'fees-excluded', 'percentile-estimate', 'dydx-random'];
  const ids = new Set(fromCode);
  for (const id of VENUE_IDS) for (const a of getVenue(id).assumptions) ids.add(a.id);
  for (const id of ids) {
    const entry = catalog.get(`venues.assumption.${id}`);
    assert.ok(entry, `venues.assumption.${id} missing`);
    assert.ok(entry.en.length > 10 && entry.vi.length > 10 && entry.en !== entry.vi, id);
  }
});
