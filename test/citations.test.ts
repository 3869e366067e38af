import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { projectPath } from '../src/paths.ts';
import { getVenue, VENUE_IDS } from '../src/core/venues.ts';

/**
 * Every URL cited in the product (data/, src/, commands/, docs/, README.md). Venue rules (formulas,
 * tiers, ADL) are cited from the venue's own English pages: their hosts must be on the allow-list
 * (exact host match) and the path must not be a localized copy. No citation at all may point at a
 * mirror, testnet, AMP copy, content farm or preview deployment (the deny-list).
 */
const SCANNED = ['data', 'src', 'commands', 'docs', 'README.md'];
const TEXT = /\.(ts|mjs|json|md)$/;

/** The venues' own hosts: docs, help centres, API roots. GitHub counts only under the venue's own organisation. */
const OFFICIAL_HOSTS = new Set([
  'www.binance.com', 'developers.binance.com', 'fapi.binance.com', 'fstream.binance.com', 'api.binance.com',
  'www.bybit.com', 'learn.bybit.com', 'bybit-exchange.github.io', 'api.bybit.com', 'stream.bybit.com',
  'www.okx.com', 'ws.okx.com',
  'www.bitmex.com',
  'hyperliquid.gitbook.io', 'api.hyperliquid.xyz',
  'docs.dydx.exchange', 'indexer.dydx.trade',
]);
const OFFICIAL_GITHUB_OWNERS = new Set(['dydxprotocol', 'bybit-exchange', 'binance', 'hyperliquid-dex']);
/** Hosts that look like a venue's: a citation on one of them is a venue-rule citation. */
const VENUE_LIKE = /(binance|bybit|bytick|okx|ouyi|bitmex|hyperliquid|dydx)/;

const DENIED_HOSTS = [
  'bybitx.global', 'testnet.bybit.com', 'bybits.org', 'ouyizh.biz', 'supdljgzdhc.okx.com', 'bilikayo.com', 'open-lib.com',
  'dydx-documentation-six.vercel.app', 'generallink.top', 'binance.bh',
];
/** Localized copies on official hosts: /zh-CN/, /tr/, /vi/ … (English is /en/ or no locale). */
const LOCALIZED_PATH = /^\/(docs\/)?(?!en(\/|-|$))[a-z]{2}(-[A-Za-z]{2,4})?(\/|$)/;

interface Citation {
  file: string;
  line: number;
  url: URL;
}

function filesUnder(path: string): string[] {
  const full = projectPath(path);
  if (statSync(full).isFile()) return [full];
  return readdirSync(full, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name === 'runtime' || entry.name === 'node_modules') return [];
    const child = join(full, entry.name);
    return entry.isDirectory() ? filesUnder(relative(projectPath(), child)) : TEXT.test(entry.name) ? [child] : [];
  });
}

function citations(): Citation[] {
  const found: Citation[] = [];
  for (const file of SCANNED.flatMap(filesUnder)) {
    readFileSync(file, 'utf8').split('\n').forEach((text, i) => {
      for (const [raw] of text.matchAll(/https?:\/\/[^\s)"'<>`\]|,]+/g)) {
        try {
          found.push({ file: relative(projectPath(), file), line: i + 1, url: new URL(raw.replace(/[.;:]+$/, '')) });
        } catch {
          // not a URL (a template such as https://{host}): nothing is cited
        }
      }
    });
  }
  return found;
}

function denied(url: URL): boolean {
  const host = url.hostname.toLowerCase();
  if (DENIED_HOSTS.some((d) => host === d || host.endsWith(`.${d}`))) return true;
  return /(^|\.)binance\.com$/.test(host) && url.pathname.startsWith('/hi/amp');
}

/** Why a venue-rule citation is not canonical, or null when it is. */
function notCanonical(url: URL): string | null {
  const host = url.hostname.toLowerCase();
  if (host === 'github.com') {
    const owner = url.pathname.split('/')[1]?.toLowerCase();
    return OFFICIAL_GITHUB_OWNERS.has(owner) ? null : `github.com/${owner} is not a venue's own repository`;
  }
  if (!OFFICIAL_HOSTS.has(host)) return `${host} is not on the allow-list of official hosts`;
  if (LOCALIZED_PATH.test(url.pathname)) return `${url.pathname.split('/').slice(0, 3).join('/')} is a localized copy`;
  return null;
}

test('no citation points at a denied host (mirrors, testnet, AMP copies, content farms, preview deployments)', () => {
  const all = citations();
  assert.ok(all.length > 100, `scanned ${all.length} URLs`);
  const offenders = all.filter((c) => denied(c.url)).map((c) => `${c.file}:${c.line} ${c.url.href}`);
  assert.deepEqual(offenders, []);
});

test('venue-rule citations come from the venue\'s own English pages (allow-listed host, exact match)', () => {
  const offenders = citations()
    .filter((c) => VENUE_LIKE.test(c.url.hostname) || c.url.hostname === 'github.com' && VENUE_LIKE.test(c.url.pathname.split('/')[1] ?? ''))
    .map((c) => ({ c, why: notCanonical(c.url) }))
    .filter((o) => o.why !== null)
    .map((o) => `${o.c.file}:${o.c.line} ${o.c.url.href} (${o.why})`);
  assert.deepEqual(offenders, []);
});

test('every rule a venue file states (formula, ADL, tiers, shipped tables, sources) cites an allow-listed venue page', () => {
  for (const id of VENUE_IDS) {
    const venue = getVenue(id);
    const cited = [
      venue.liquidation.source,
      venue.adl.source,
      ...venue.sources.filter((s) => !/reverse-engineered|3rd-party/i.test(s.what)).map((s) => s.url),
      ...Object.values(venue.shipped).map((t) => t.url),
      ...Object.values(venue.contracts).map((c) => c.url),
    ];
    for (const url of cited) assert.equal(notCanonical(new URL(url)), null, `${id}: ${url}`);
  }
});

test('the checks catch what they are meant to', () => {
  assert.ok(denied(new URL('https://www.binance.com/hi/amp/support/faq/360033525471')));
  assert.ok(denied(new URL('https://testnet.bybit.com/en-US/help-center/s/article/Liquidation-Price-USDT-Contract')));
  assert.ok(denied(new URL('https://www.binance.bh/en/square/post/1')));
  assert.ok(!denied(new URL('https://www.binance.com/en/support/faq/360033525471')));
  assert.match(notCanonical(new URL('https://www.binance.com/zh-CN/support/faq/1'))!, /localized/);
  assert.match(notCanonical(new URL('https://developers.binance.com/docs/zh-CN/derivatives/x'))!, /localized/);
  assert.match(notCanonical(new URL('https://bybit.nl/nl-NL/help-center/article/Auto-Deleveraging-ADL'))!, /allow-list/);
  assert.equal(notCanonical(new URL('https://www.bybit.com/en/help-center/article/Auto-Deleveraging-ADL')), null);
  assert.equal(notCanonical(new URL('https://www.okx.com/docs-v5/en/#public-data-rest-api-get-position-tiers')), null);
  assert.equal(notCanonical(new URL('https://github.com/dydxprotocol/v4-chain/blob/main/protocol/x/clob/keeper/deleveraging.go')), null);
});
