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
  symbolRules,
  tierFor,
  tierForNotional,
  VENUE_IDS,
} from '../../src/core/venues.ts';
import { computeLiquidation } from '../../src/core/liquidation.ts';

const d = (value: Decimal.Value) => new Decimal(value);

test('every venue file loads, validates and has BTCUSDT, ETHUSDT, SOLUSDT and default tables', () => {
  for (const id of VENUE_IDS) {
    const venue = loadVenueFile(id);
    for (const key of ['BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'default']) assert.ok(venue.tables[key], `${id} ${key}`);
    assert.ok(venue.sources.length > 0, 'venue.sources.length > 0');
    assert.equal(venue.adl.ranked, RANKED_VENUES.includes(id));
  }
  assert.equal(getVenue('dydx').adl.formula, 'random');
});

test('every tier table names where it was read and its date; stand-ins carry the table they copy', () => {
  for (const id of VENUE_IDS) {
    for (const [key, table] of Object.entries(getVenue(id).tables)) {
      assert.match(table.url, /^https:\/\//, `${id} ${key} url`);
      assert.ok(table.date.length >= 10 && /\d{4}-\d{2}-\d{2}/.test(table.date), `${id} ${key} date: ${table.date}`);
      assert.ok(table.source.length > 10, `${id} ${key} source`);
    }
  }
  assert.equal(symbolRules('binance', 'ETH').url, symbolRules('binance', 'BTC').url);
});

test('tier tables are contiguous, leverage never rises and MMR never falls with size', () => {
  for (const id of VENUE_IDS) {
    for (const [key, table] of Object.entries(getVenue(id).tables)) {
      const tiers = table.tiers;
      assert.ok(tiers[0].floor.isZero(), `${id} ${key} starts at 0`);
      for (let i = 1; i < tiers.length; i++) {
        assert.ok(tiers[i].floor.eq(tiers[i - 1].cap!), `${id} ${key} tier ${i + 1} floor = previous cap`);
        assert.ok(tiers[i].maxLeverage.lt(tiers[i - 1].maxLeverage), `${id} ${key} tier ${i + 1} max leverage falls`);
        assert.ok(tiers[i].mmr.gt(tiers[i - 1].mmr), `${id} ${key} tier ${i + 1} MMR rises`);
      }
      // Initial margin at max leverage must exceed maintenance, or a max-leverage position starts liquidated.
      for (const tier of tiers) assert.ok(new Decimal(1).div(tier.maxLeverage).gt(tier.mmr), `${id} ${key} tier ${tier.index}`);
    }
  }
});

test('maintenance amounts follow cum_n = floor_n × (mmr_n − mmr_{n−1}) + cum_{n−1} for every tiered-deduction table', () => {
  for (const id of VENUE_IDS) {
    const venue = getVenue(id);
    for (const [key, table] of Object.entries(venue.tables)) {
      const tiers = table.tiers;
      if (venue.liquidation.maintenanceModel === 'whole-position') {
        // BitMEX, OKX and dYdX apply the tier's rate to the whole position: no deduction.
        for (const tier of tiers) assert.ok(tier.maintenanceAmount.isZero(), `${id} ${key} tier ${tier.index}`);
        continue;
      }
      assert.ok(tiers[0].maintenanceAmount.isZero(), `${id} ${key} tier 1 amount is 0`);
      for (let i = 1; i < tiers.length; i++) {
        const expected = nextMaintenanceAmount(tiers[i].floor, tiers[i].mmr, tiers[i - 1].mmr, tiers[i - 1].maintenanceAmount);
        assert.ok(expected.minus(tiers[i].maintenanceAmount).abs().lt(0.01), `${id} ${key} tier ${i + 1}: ${tiers[i].maintenanceAmount} vs ${expected}`);
      }
    }
  }
});

// Binance FAQ worked examples (text in github bradkyle/Qenv logic/binance.md, a copy of
// https://www.binance.com/en/support/faq/360033162192 "Leverage and Margin of USDⓈ-M Futures").
test('B1: a 264,000 USDT BTCUSDT position sits in the 1% bracket with a 1,300 USDT maintenance amount (older table)', () => {
  const rules = symbolRules('binance', 'NEWCOIN');
  assert.equal(rules.usedDefault, true);
  const tier = tierForNotional(rules.tiers, d(264_000));
  assert.ok(tier, 'tier');
  assert.equal(tier.mmr.toString(), '0.01');
  assert.equal(tier.maintenanceAmount.toString(), '1300');
});

// Binance, "How to Calculate Liquidation Price of USDⓈ-M Futures Contracts",
// https://www.binance.com/en/support/faq/b3c689c1f50a44cabb3a84e663b81d93: "if the position size of a USDT-margined BTCUSDT
// contract is 500,000 USDT, then the maintenance amount would be 1,300 USDT"; "the Maintenance Amount on Level 3
// = 250,000 * (1% - 0.5%) + 50 USDT = 1,300 USDT".
test('B3 (Binance FAQ): 500,000 USDT → maintenance amount 1,300; level 3 = 250,000 × (1% − 0.5%) + 50 = 1,300', () => {
  const rules = symbolRules('binance', 'NEWCOIN');
  const tier = tierFor(rules, d(500_000));
  assert.equal(tier?.index, 3);
  assert.equal(tier?.maintenanceAmount.toString(), '1300');
  assert.equal(nextMaintenanceAmount('250000', '0.01', '0.005', '50').toString(), '1300');
  // The same snapshot's last bracket: 300M–500M at 1x, 50%, cum 300,000,000 × (50% − 25%) + 28,046,300.
  const last = rules.tiers[rules.tiers.length - 1];
  assert.equal(last.maintenanceAmount.toString(), nextMaintenanceAmount('300000000', '0.5', '0.25', '28046300').toString());
});

test('B2: level 5 maintenance amount = 5,000,000 × (5% − 2.5%) + 16,300 = 141,300 USDT', () => {
  assert.equal(nextMaintenanceAmount('5000000', '0.05', '0.025', '16300').toString(), '141300');
});

test('B8: the BTCUSDT bracket cums (300, 1,500, 12,000, 132,000, 482,000, 2,982,000, 14,482,000) follow the recursion', () => {
  const tiers = symbolRules('binance', 'BTCUSDT').tiers;
  let cum = new Decimal(0);
  const computed: string[] = [];
  for (let i = 1; i < tiers.length; i++) {
    cum = nextMaintenanceAmount(tiers[i].floor, tiers[i].mmr, tiers[i - 1].mmr, cum);
    computed.push(cum.toString());
  }
  assert.deepEqual(computed, ['300', '1500', '12000', '132000', '482000', '2982000', '14482000']);
});

// Bybit Margin Parameters, https://bybitx.global/pt-PT/announcement-info/margin-parameters
test('Y6: Bybit BTCUSDT deductions 1,200 (tier 2) and 3,020 (tier 3) follow the recursion', () => {
  const tiers = symbolRules('bybit', 'BTCUSDT').tiers;
  assert.equal(nextMaintenanceAmount(tiers[1].floor, tiers[1].mmr, tiers[0].mmr, 0).toString(), '1200');
  assert.equal(nextMaintenanceAmount(tiers[2].floor, tiers[2].mmr, tiers[1].mmr, 1200).toString(), '3020');
  assert.equal(tiers[2].maintenanceAmount.toString(), '3020');
});

// Bybit Margin Parameters, BTCUSDT, all 20 tiers as published (https://bybitx.global/pt-PT/announcement-info/margin-parameters;
// same figures at https://bybit.com/zh-TW/announcement-info/margin-parameters): risk limit, max leverage, MMR, MM deduction.
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
      [tier.cap?.toNumber(), tier.maxLeverage.toNumber(), tier.mmr.toString(), tier.maintenanceAmount.toNumber()],
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
  for (const table of Object.values(getVenue('hyperliquid').tables)) {
    for (const tier of table.tiers) assert.ok(maintenanceRateFromMaxLeverage(tier.maxLeverage).minus(tier.mmr).abs().lt('1e-15'), 'maintenanceRateFromMaxLeverage(tier.maxLeverage).minus(tier.mmr).abs().lt("1e-15")');
  }
});

test('H2: Hyperliquid BTC tier-2 deduction = 150,000,000 × (2.5% − 1.25%) = 1,875,000', () => {
  const tiers = symbolRules('hyperliquid', 'BTC').tiers;
  assert.equal(nextMaintenanceAmount(tiers[1].floor, tiers[1].mmr, tiers[0].mmr, 0).toString(), '1875000');
  assert.equal(tiers[1].maintenanceAmount.toString(), '1875000');
});

test('symbols are normalised whatever way they are typed', () => {
  for (const typed of ['btc', 'BTC', 'BTCUSDT', 'BTC-USDT', 'btc/usdt', 'BTC-USDT-SWAP', 'BTC-USD', ' btcusdt ']) {
    assert.equal(normaliseSymbol(typed), 'BTCUSDT', typed);
  }
  assert.equal(normaliseSymbol('eth'), 'ETHUSDT');
  assert.throws(() => normaliseSymbol('$$$'), (e: unknown) => e instanceof CalculationInputError && e.code === 'unknown-symbol');
});

test('a symbol without a table falls back to the default table and says so', () => {
  const rules = symbolRules('hyperliquid', 'doge');
  assert.equal(rules.symbol, 'DOGEUSDT');
  assert.equal(rules.usedDefault, true);
  assert.equal(symbolRules('hyperliquid', 'ETH').usedDefault, false);
});

test('unknown venues are refused with the list of venues', () => {
  assert.throws(() => getVenue('ftx'), (e: unknown) => e instanceof CalculationInputError && e.code === 'unknown-venue' && String(e.params.venues).includes('hyperliquid'));
});

test('tierForNotional: floor-inclusive tables own their floor, and beyond the last capped tier there is none', () => {
  const tiers = symbolRules('binance', 'BTCUSDT').tiers;
  assert.equal(tierForNotional(tiers, d(0))?.index, 1);
  assert.equal(tierForNotional(tiers, d(299_999.99))?.index, 1);
  assert.equal(tierForNotional(tiers, d(300_000))?.index, 2);
  assert.equal(tierForNotional(tiers, d(480_000_000))?.index, 8);
  assert.equal(tierForNotional(tiers, d(480_000_001)), null);
  assert.equal(tierForNotional(symbolRules('hyperliquid', 'BTC').tiers, d('1e11'))?.index, 2);
});

// Binance: "0 < Position ≤ 50,000 · 125x", "50,000 < Position ≤ 250,000 · 100x"
// (https://www.binance.com/tr/support/announcement/86cf9aa472574b8cb2e05bb751c2a9a6, 2021-03-18).
// Bybit: "a position value of 2,000,000 USDT or below … MMR 0.5%" (Maintenance Margin (USDT Contract)).
// Hyperliquid: tiers start at notional_lower_bound (https://hyperliquid.gitbook.io/hyperliquid-docs/trading/margin-tiers).
test('each venue puts a boundary notional where its docs do: Binance, Bybit, OKX and BitMEX close a tier at its cap, Hyperliquid opens one at its floor', () => {
  assert.equal(getVenue('binance').tierBounds, 'cap-inclusive');
  assert.equal(tierFor(symbolRules('binance', 'BTCUSDT'), d(300_000))?.index, 1);
  assert.equal(tierFor(symbolRules('binance', 'BTCUSDT'), d('300000.01'))?.index, 2);
  assert.equal(tierFor(symbolRules('binance', 'BTCUSDT'), d(0))?.index, 1);
  assert.equal(tierFor(symbolRules('binance', 'BTCUSDT'), d(480_000_000))?.index, 8);
  assert.equal(tierFor(symbolRules('binance', 'BTCUSDT'), d(480_000_001)), null);
  assert.equal(tierFor(symbolRules('bybit', 'BTCUSDT'), d(2_000_000))?.index, 1);
  assert.equal(tierFor(symbolRules('bybit', 'BTCUSDT'), d(2_000_001))?.index, 2);
  assert.equal(getVenue('okx').tierBounds, 'cap-inclusive');
  assert.equal(getVenue('bitmex').tierBounds, 'cap-inclusive');
  assert.equal(tierFor(symbolRules('hyperliquid', 'BTC'), d(150_000_000))?.index, 2);
  assert.equal(tierFor(symbolRules('hyperliquid', 'BTC'), d('149999999.99'))?.index, 1);
  // A position at exactly Binance's 300,000 cap may use 150x (bracket 1), not bracket 2's 100x.
  const atCap = computeLiquidation({ venue: 'binance', side: 'long', entryPrice: d(100_000), quantity: d(3), leverage: d(150) });
  assert.equal(atCap.tier.index, 1);
});

// BitMEX risk limits, https://www.bitmex.com/app/riskLimits (text via adl-mechanics.md §4, vector A2): XBTUSD base MM 0.40%,
// base limit 200 XBT, step 100 XBT. "One step → MM 0.80%; MM on 300 XBT = 2.4 XBT. A position of 180 XBT → MM 0.40% = 0.72 XBT."
// Our USDT table converts the steps at 100,000 USD per XBT (assumption bitmex-linear-steps-stand-in).
test('A2 (BitMEX): 300 XBT (30M USD) sits in the first step, MM 0.80% = 2.4 XBT; 180 XBT (18M USD) in the base limit, MM 0.40% = 0.72 XBT', () => {
  const rules = symbolRules('bitmex', 'BTCUSDT');
  const xbt = d(100_000);
  const at = (xbtSize: number) => {
    const notional = xbt.times(xbtSize);
    const tier = tierFor(rules, notional)!;
    return { mmr: tier.mmr.toString(), mmXbt: notional.times(tier.mmr).div(xbt).toString() };
  };
  assert.deepEqual(at(300), { mmr: '0.008', mmXbt: '2.4' });
  assert.deepEqual(at(180), { mmr: '0.004', mmXbt: '0.72' });
  // New MM% = Base MM% + Steps × Base MM%: every step adds 0.40%.
  rules.tiers.forEach((tier, i) => assert.equal(tier.mmr.toString(), d('0.004').times(i + 1).toString(), `step ${i}`));
});

test('every assumption a venue file or the calculators can emit has English and Vietnamese text', () => {
  const catalog = loadCatalog();
  const fromCode = ['cross-others-fixed', 'overrides-used', 'symbol-default-table', 'one-way-mode', 'fees-excluded', 'percentile-estimate', 'dydx-random'];
  const ids = new Set(fromCode);
  for (const id of VENUE_IDS) for (const a of getVenue(id).assumptions) ids.add(a.id);
  for (const id of ids) {
    const entry = catalog.get(`venues.assumption.${id}`);
    assert.ok(entry, `venues.assumption.${id} missing`);
    assert.ok(entry.en.length > 10 && entry.vi.length > 10 && entry.en !== entry.vi, id);
  }
});
