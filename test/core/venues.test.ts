import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Decimal } from 'decimal.js';
import { loadCatalog } from '../../src/chat/i18n.ts';
import { CalculationInputError } from '../../src/core/errors.ts';
import {
  getVenue,
  loadVenueFile,
  maintenanceRateFromMaxLeverage,
  nextMaintenanceAmount,
  normaliseSymbol,
  RANKED_VENUES,
  symbolRules,
  tierForNotional,
  VENUE_IDS,
} from '../../src/core/venues.ts';

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

test('tierForNotional: floors are inclusive, caps exclusive, and beyond the last capped tier there is none', () => {
  const tiers = symbolRules('binance', 'BTCUSDT').tiers;
  assert.equal(tierForNotional(tiers, d(0))?.index, 1);
  assert.equal(tierForNotional(tiers, d(299_999.99))?.index, 1);
  assert.equal(tierForNotional(tiers, d(300_000))?.index, 2);
  assert.equal(tierForNotional(tiers, d(480_000_000))?.index, 8);
  assert.equal(tierForNotional(tiers, d(480_000_001)), null);
  assert.equal(tierForNotional(symbolRules('hyperliquid', 'BTC').tiers, d('1e11'))?.index, 2);
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
