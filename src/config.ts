import { z } from 'zod';
import cron from 'node-cron';
import { projectPath } from './paths.ts';
import type { SignalThresholds } from './core/signals.ts';
import type { StreamCrashThresholds } from './core/stream-signals.ts';
import type { Venue } from './market/types.ts';

/**
 * Environment → validated configuration, in one place. Every variable read anywhere is
 * listed here and in .env.example. A malformed value stops start-up with one line that
 * names the variable (ConfigError).
 */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));
const optionalUrl = optionalString.pipe(z.url({ message: 'must be a URL such as https://example.com' }).optional());
const urlWithDefault = (fallback: string) =>
  optionalString.pipe(z.url({ message: 'must be a URL such as https://example.com' }).optional()).transform((v) => v ?? fallback);
const intWithDefault = (fallback: number, min: number, max: number) =>
  optionalString
    .pipe(
      z
        .string()
        .regex(/^\d+$/, 'must be a whole number')
        .transform(Number)
        .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`))
        .optional(),
    )
    .transform((v) => v ?? fallback);

const wsUrlWithDefault = (fallback: string) =>
  optionalString
    .pipe(z.url({ message: 'must be a websocket URL such as wss://example.com' }).optional())
    .pipe(z.string().regex(/^wss?:\/\//, 'must start with ws:// or wss://').optional())
    .transform((v) => (v ?? fallback).replace(/\/+$/, ''));

const numberWithDefault = (fallback: number, min: number, max: number) =>
  optionalString
    .pipe(
      z
        .string()
        .regex(/^\d+(\.\d+)?$/, 'must be a number such as 0.05')
        .transform(Number)
        .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`))
        .optional(),
    )
    .transform((v) => v ?? fallback);

const schema = z.object({
  TELEGRAM_BOT_TOKEN: optionalString.pipe(
    z.string().regex(/^\d+:[A-Za-z0-9_-]{20,}$/, 'must look like 123456:ABC-DEF… (from @BotFather)').optional(),
  ),
  TELEGRAM_API_ROOT: urlWithDefault('https://api.telegram.org'),
  TELEGRAM_WEBHOOK_URL: optionalUrl.pipe(
    z.string().startsWith('https://', 'must be an https:// URL (Telegram only calls HTTPS webhooks)').optional(),
  ),
  TELEGRAM_WEBHOOK_SECRET: optionalString.pipe(
    z.string().regex(/^[A-Za-z0-9_-]{1,256}$/, 'may contain only A-Z, a-z, 0-9, _ and - (1–256 characters)').optional(),
  ),
  TELEGRAM_WEBHOOK_PORT: intWithDefault(8443, 1, 65535),
  DISCORD_TOKEN: optionalString.pipe(
    z.string().regex(/^[\w-]+\.[\w-]+\.[\w-]+$/, 'must be a bot token (three dot-separated parts)').optional(),
  ),
  DISCORD_APPLICATION_ID: optionalString.pipe(z.string().regex(/^\d{15,22}$/, 'must be a numeric snowflake id').optional()),
  DISCORD_GUILD_ID: optionalString.pipe(z.string().regex(/^\d{15,22}$/, 'must be a numeric snowflake id').optional()),
  DISCORD_API_ROOT: optionalUrl,
  DATABASE_PATH: optionalString.transform((v) => v ?? projectPath('data', 'runtime', 'adl-sentinel.db')),
  LOG_LEVEL: optionalString
    .pipe(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { message: 'must be one of fatal, error, warn, info, debug, trace, silent' }).optional())
    .transform((v) => v ?? 'info'),
  HEALTH_PORT: intWithDefault(0, 0, 65535),
  RATE_LIMIT_PER_MINUTE: intWithDefault(10, 1, 1000),
  RATE_LIMIT_HEAVY_PER_MINUTE: intWithDefault(3, 1, 1000),
  SIMULATE_MAX_POSITIONS: intWithDefault(200_000, 1_000, 5_000_000),
  BINANCE_BASE_URL: urlWithDefault('https://fapi.binance.com'),
  // Binance's spot API host: the key-permission check (GET /sapi/v1/account/apiRestrictions) lives there.
  BINANCE_SPOT_BASE_URL: urlWithDefault('https://api.binance.com'),
  BYBIT_BASE_URL: urlWithDefault('https://api.bybit.com'),
  OKX_BASE_URL: urlWithDefault('https://www.okx.com'),
  HYPERLIQUID_BASE_URL: urlWithDefault('https://api.hyperliquid.xyz'),
  BITMEX_BASE_URL: urlWithDefault('https://www.bitmex.com'),
  DYDX_BASE_URL: urlWithDefault('https://indexer.dydx.trade'),
  TIER_TABLES_FETCH: optionalString
    .pipe(z.enum(['on', 'off'], { message: 'must be on or off' }).optional())
    .transform((v) => (v ?? 'on') === 'on'),
  TIER_TABLES_MAX_AGE_HOURS: intWithDefault(24, 1, 24 * 30),
  TIER_TABLES_TIMEOUT_MS: intWithDefault(3000, 200, 30_000),
  BINANCE_WS_URL: wsUrlWithDefault('wss://fstream.binance.com'),
  BYBIT_WS_URL: wsUrlWithDefault('wss://stream.bybit.com'),
  OKX_WS_URL: wsUrlWithDefault('wss://ws.okx.com:8443'),
  HYPERLIQUID_WS_URL: wsUrlWithDefault('wss://api.hyperliquid.xyz'),
  STREAMS_SYMBOLS: optionalString
    .pipe(z.string().regex(/^[A-Za-z0-9]+(,[A-Za-z0-9]+)*$/, 'must be coins separated by commas, such as BTC,ETH').optional())
    .transform((v) => [...new Set((v ?? 'BTC,ETH,SOL,XRP,DOGE,BNB,SUI,ADA,LINK,AVAX,LTC,TRX,DOT,BCH,NEAR,APT,ARB,OP,HYPE,ENA').toUpperCase().split(','))])
    .pipe(z.array(z.string()).max(100, 'may name at most 100 coins (one Bybit topic each)')),
  STREAM_CRASH_DROP: numberWithDefault(0.005, 0.001, 0.5),
  STREAM_CRASH_WINDOW_SECONDS: intWithDefault(300, 30, 3600),
  STREAM_CRASH_MIN_VENUES: intWithDefault(2, 1, 2),
  STREAM_CRASH_BURST_USD: intWithDefault(2_000_000, 10_000, 10_000_000_000),
  STREAM_CRASH_BURST_MULTIPLE: numberWithDefault(10, 1, 1000),
  STREAM_CRASH_CALM_MINUTES: intWithDefault(10, 1, 240),
  DIGEST_EDIT_SECONDS: intWithDefault(10, 10, 600),
  ALERTS_SCHEDULE: optionalString
    .pipe(z.string().refine((v) => cron.validate(v), 'must be a cron expression such as "* * * * *" (every minute)').optional())
    .transform((v) => v ?? '* * * * *'),
  ALERTS_COOLDOWN_MINUTES: intWithDefault(240, 1, 10_080),
  ALERTS_DEFAULT_SYMBOLS: optionalString
    .pipe(z.string().regex(/^[A-Za-z0-9]+(,[A-Za-z0-9]+)*$/, 'must be coins separated by commas, such as BTC,ETH').optional())
    .transform((v) => (v ?? 'BTC,ETH,SOL,XRP,BNB,DOGE').toUpperCase().split(',')),
  ALERTS_MAX_PER_CHAT_PER_CYCLE: intWithDefault(5, 1, 50),
  MARKET_STALE_AFTER_SECONDS: intWithDefault(180, 30, 3600),
  MARKET_HTTP_TIMEOUT_MS: intWithDefault(8000, 500, 60_000),
  MARKET_BINANCE_OI_TOP_N: intWithDefault(100, 0, 1000),
  SIGNAL_CROWDING_FUNDING_APR: numberWithDefault(0.3, 0.01, 10),
  SIGNAL_CROWDING_FUNDING_Z: numberWithDefault(1.5, 0.5, 10),
  SIGNAL_CROWDING_OI_RISE_4H: numberWithDefault(0.05, 0.005, 2),
  SIGNAL_CROWDING_MIN_VENUES: intWithDefault(2, 1, 4),
  SIGNAL_MIN_HISTORY_HOURS: intWithDefault(24, 1, 2160),
  SIGNAL_CRASH_DROP: numberWithDefault(0.05, 0.005, 0.9),
  SIGNAL_CRASH_WINDOW_MINUTES: intWithDefault(15, 1, 240),
  SIGNAL_CRASH_MIN_VENUES: intWithDefault(2, 1, 4),
  SIGNAL_OI_FLUSH: numberWithDefault(0.1, 0.01, 0.9),
  SIGNAL_MIN_VOLUME_USD: intWithDefault(50_000_000, 0, 1_000_000_000_000),
  WATCH_MAX_PER_USER: intWithDefault(10, 1, 100),
  WATCH_LIQ_DISTANCE_TIERS: optionalString
    .pipe(z.string().regex(/^0?\.\d+(,0?\.\d+)*$/, 'must be fractions separated by commas, such as 0.2,0.1,0.05').optional())
    .transform((v) => (v ?? '0.2,0.1,0.05').split(',').map(Number)),
  WATCH_REARM_FACTOR: numberWithDefault(1.25, 1, 3),
  WATCH_ADL_MOVE: numberWithDefault(0.05, 0.005, 0.9),
  WATCH_ADL_MOVE_MINUTES: intWithDefault(5, 1, 60),
  WATCH_WEIGHT_SHARE: numberWithDefault(0.5, 0.05, 0.9),
  WATCH_RISKY_SECONDS: intWithDefault(30, 2, 3600),
  WATCH_CALM_SECONDS: intWithDefault(600, 30, 86_400),
  WATCH_FILLS_EVERY_HOURS: numberWithDefault(6, 0.25, 168),
  WATCH_ENCRYPTION_KEY: optionalString.pipe(
    z
      .string()
      .refine((v) => /^[A-Za-z0-9+/]{43}=$/.test(v) && Buffer.from(v, 'base64').length === 32, 'must be 32 random bytes in base64 (make one with: openssl rand -base64 32)')
      .optional(),
  ),
  WATCH_KEY_IPS: optionalString.pipe(
    z
      .string()
      .regex(/^[0-9a-fA-F.:]+(,[0-9a-fA-F.:]+)*$/, 'must be IP addresses separated by commas, such as 203.0.113.7')
      .optional(),
  ),
});

export type Env = Record<string, string | undefined>;

export interface Config {
  telegram?: { token: string; apiRoot: string; webhook?: { url: string; secret?: string; port: number } };
  discord?: { token: string; applicationId?: string; guildId?: string; apiRoot?: string };
  databasePath: string;
  logLevel: string;
  healthPort: number;
  rateLimit: { perMinute: number; heavyPerMinute: number };
  simulateMaxPositions: number;
  exchanges: { binance: string; binanceSpot: string; bybit: string; okx: string; hyperliquid: string; bitmex: string; dydx: string };
  /** Per-symbol tier tables for /liq and /adl-rank: ask the venue at all, how old a stored table may be, how long to wait. */
  tierTables: { fetch: boolean; maxAgeHours: number; timeoutMs: number };
  alertsSchedule: string;
  alerts: { cooldownMs: number; defaultSymbols: string[]; maxPerChatPerCycle: number };
  market: { staleAfterMs: number; httpTimeoutMs: number; binanceOpenInterestTopN: number };
  /** Public websocket hosts (each venue's route is appended) and the coins crash detection watches. */
  streams: { urls: Record<Venue, string>; symbols: string[] };
  /** Crash detection on the streams: heuristics, documented in src/core/stream-signals.ts and the README. */
  streamCrash: StreamCrashThresholds;
  /** The live digest edits its message at most once per `editIntervalMs` per chat. */
  digest: { editIntervalMs: number };
  /** Crowding / crash thresholds: heuristics, documented in src/core/signals.ts. */
  signals: SignalThresholds;
  /** /watch: per-user cap, alert tiers, pacing (see .env.example and the README's /watch section). */
  watch: WatchConfig;
  /** Values never to be printed (log redaction, error scrubbing). */
  secrets: string[];
}

export interface WatchConfig {
  maxPerUser: number;
  /** Distances to liquidation (fractions) that alert, e.g. [0.2, 0.1, 0.05]. */
  distanceTiers: number[];
  /** A tier alerts again only after the distance was back above tier × this. */
  rearmFactor: number;
  /** ADL is plausible when the coin moved at least this fraction … */
  adlMovePct: number;
  /** … within this many minutes. */
  adlMoveMinutes: number;
  /** Share of Hyperliquid's per-IP weight limit the watch list and the market poll may use together. */
  weightShare: number;
  /** Wanted refresh interval of an account near liquidation or at the front of the ADL queue, and of a calm one. */
  riskySeconds: number;
  calmSeconds: number;
  /** Fills are read at least this often per account even when no position shrank. */
  fillsEveryHours: number;
  /**
   * The master key that seals users' read-only API keys (AES-256-GCM), from WATCH_ENCRYPTION_KEY.
   * Absent: keyed watching (Binance, Bybit, OKX) is off and says so; Hyperliquid needs no key.
   */
  encryptionKey?: Buffer;
  /** The public IPs the bot calls the venues from (WATCH_KEY_IPS), offered to users for their key's IP restriction. */
  keyIps: string[];
}

export function loadConfig(env: Env = process.env): Config {
  const result = schema.safeParse(env);
  if (!result.success) {
    const issue = result.error.issues[0];
    const name = String(issue.path[0] ?? 'environment');
    throw new ConfigError(`${name} ${issue.message}`);
  }
  const e = result.data;
  return {
    telegram: e.TELEGRAM_BOT_TOKEN
      ? {
          token: e.TELEGRAM_BOT_TOKEN,
          apiRoot: e.TELEGRAM_API_ROOT.replace(/\/+$/, ''),
          webhook: e.TELEGRAM_WEBHOOK_URL
            ? { url: e.TELEGRAM_WEBHOOK_URL, secret: e.TELEGRAM_WEBHOOK_SECRET, port: e.TELEGRAM_WEBHOOK_PORT }
            : undefined,
        }
      : undefined,
    discord: e.DISCORD_TOKEN
      ? {
          token: e.DISCORD_TOKEN,
          applicationId: e.DISCORD_APPLICATION_ID,
          guildId: e.DISCORD_GUILD_ID,
          apiRoot: e.DISCORD_API_ROOT?.replace(/\/+$/, ''),
        }
      : undefined,
    databasePath: e.DATABASE_PATH,
    logLevel: e.LOG_LEVEL,
    healthPort: e.HEALTH_PORT,
    rateLimit: { perMinute: e.RATE_LIMIT_PER_MINUTE, heavyPerMinute: e.RATE_LIMIT_HEAVY_PER_MINUTE },
    simulateMaxPositions: e.SIMULATE_MAX_POSITIONS,
    exchanges: {
      binance: e.BINANCE_BASE_URL.replace(/\/+$/, ''),
      binanceSpot: e.BINANCE_SPOT_BASE_URL.replace(/\/+$/, ''),
      bybit: e.BYBIT_BASE_URL.replace(/\/+$/, ''),
      okx: e.OKX_BASE_URL.replace(/\/+$/, ''),
      hyperliquid: e.HYPERLIQUID_BASE_URL.replace(/\/+$/, ''),
      bitmex: e.BITMEX_BASE_URL.replace(/\/+$/, ''),
      dydx: e.DYDX_BASE_URL.replace(/\/+$/, ''),
    },
    tierTables: { fetch: e.TIER_TABLES_FETCH, maxAgeHours: e.TIER_TABLES_MAX_AGE_HOURS, timeoutMs: e.TIER_TABLES_TIMEOUT_MS },
    alertsSchedule: e.ALERTS_SCHEDULE,
    alerts: {
      cooldownMs: e.ALERTS_COOLDOWN_MINUTES * 60_000,
      defaultSymbols: e.ALERTS_DEFAULT_SYMBOLS,
      maxPerChatPerCycle: e.ALERTS_MAX_PER_CHAT_PER_CYCLE,
    },
    market: {
      staleAfterMs: e.MARKET_STALE_AFTER_SECONDS * 1000,
      httpTimeoutMs: e.MARKET_HTTP_TIMEOUT_MS,
      binanceOpenInterestTopN: e.MARKET_BINANCE_OI_TOP_N,
    },
    streams: {
      urls: { binance: e.BINANCE_WS_URL, bybit: e.BYBIT_WS_URL, okx: e.OKX_WS_URL, hyperliquid: e.HYPERLIQUID_WS_URL },
      symbols: e.STREAMS_SYMBOLS,
    },
    streamCrash: {
      dropPct: e.STREAM_CRASH_DROP,
      windowSeconds: e.STREAM_CRASH_WINDOW_SECONDS,
      minPriceVenues: e.STREAM_CRASH_MIN_VENUES,
      burstUsd: e.STREAM_CRASH_BURST_USD,
      burstMultiple: e.STREAM_CRASH_BURST_MULTIPLE,
      calmMinutes: e.STREAM_CRASH_CALM_MINUTES,
    },
    digest: { editIntervalMs: e.DIGEST_EDIT_SECONDS * 1000 },
    signals: {
      crowdingFundingAprMin: e.SIGNAL_CROWDING_FUNDING_APR,
      crowdingFundingZMin: e.SIGNAL_CROWDING_FUNDING_Z,
      crowdingOiRiseMin: e.SIGNAL_CROWDING_OI_RISE_4H,
      crowdingMinVenues: e.SIGNAL_CROWDING_MIN_VENUES,
      minHistoryHours: e.SIGNAL_MIN_HISTORY_HOURS,
      crashDropPct: e.SIGNAL_CRASH_DROP,
      crashWindowMinutes: e.SIGNAL_CRASH_WINDOW_MINUTES,
      crashMinVenues: e.SIGNAL_CRASH_MIN_VENUES,
      oiFlushPct: e.SIGNAL_OI_FLUSH,
      minVolumeUsd: e.SIGNAL_MIN_VOLUME_USD,
    },
    watch: {
      maxPerUser: e.WATCH_MAX_PER_USER,
      distanceTiers: e.WATCH_LIQ_DISTANCE_TIERS,
      rearmFactor: e.WATCH_REARM_FACTOR,
      adlMovePct: e.WATCH_ADL_MOVE,
      adlMoveMinutes: e.WATCH_ADL_MOVE_MINUTES,
      weightShare: e.WATCH_WEIGHT_SHARE,
      riskySeconds: e.WATCH_RISKY_SECONDS,
      calmSeconds: e.WATCH_CALM_SECONDS,
      fillsEveryHours: e.WATCH_FILLS_EVERY_HOURS,
      encryptionKey: e.WATCH_ENCRYPTION_KEY ? Buffer.from(e.WATCH_ENCRYPTION_KEY, 'base64') : undefined,
      keyIps: e.WATCH_KEY_IPS ? e.WATCH_KEY_IPS.split(',') : [],
    },
    secrets: [e.TELEGRAM_BOT_TOKEN, e.TELEGRAM_WEBHOOK_SECRET, e.DISCORD_TOKEN, e.WATCH_ENCRYPTION_KEY].filter((s): s is string => !!s),
  };
}
