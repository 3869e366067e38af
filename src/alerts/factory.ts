import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { ReplySender } from '../chat/delivery.ts';
import type { LanguagePreferences } from '../chat/preferences.ts';
import type { Db } from '../store/database.ts';
import { AlertsRepository } from '../store/alerts-repository.ts';
import type { MarketService } from '../market/service.ts';
import { AlertService } from './service.ts';

/** The alert service as src/app.ts builds it; call `.start(config.alertsSchedule)` once the faces are up. */
export function createAlertService(options: {
  config: Pick<Config, 'signals' | 'alerts'>;
  db: Db;
  market: MarketService;
  preferences: Pick<LanguagePreferences, 'chatLang'>;
  senders: ReadonlyMap<string, ReplySender>;
  logger: Logger;
  now?: () => number;
  streamCrash?: { covers(symbol: string): boolean };
}): AlertService {
  return new AlertService({
    market: options.market,
    repo: new AlertsRepository(options.db),
    preferences: options.preferences,
    senders: options.senders,
    thresholds: options.config.signals,
    cooldownMs: options.config.alerts.cooldownMs,
    defaultSymbols: options.config.alerts.defaultSymbols,
    maxPerChatPerCycle: options.config.alerts.maxPerChatPerCycle,
    logger: options.logger,
    now: options.now,
    streamCrash: options.streamCrash,
  });
}
