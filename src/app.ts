import { createServer, type Server } from 'node:http';
import type { Readable, Writable } from 'node:stream';
import type { Logger } from 'pino';
import { COMMANDS } from '../commands/index.ts';
import type { Command } from './chat/command.ts';
import type { PushPlatform, ReplySender } from './chat/delivery.ts';
import { Dispatcher } from './chat/dispatcher.ts';
import type { Services } from './chat/services.ts';
import type { Config } from './config.ts';
import { createLogger } from './logger.ts';
import { createAlertService } from './alerts/factory.ts';
import type { AlertService } from './alerts/service.ts';
import { createMarketService } from './market/factory.ts';
import { createVenueTableService } from './market/tiers/factory.ts';
import type { MarketService } from './market/service.ts';
import type { Face, FaceDependencies } from './platforms/face.ts';
import { runTerminal } from './platforms/terminal/repl.ts';
import { SimulationRunner } from './simulator/runner.ts';
import { openDatabase, type Db } from './store/database.ts';
import { PreferencesRepository } from './store/preferences.ts';

/**
 * The composition root: one database, the services, one dispatcher over the registry, and a
 * face per configured token (the terminal chat when there is none, or when asked). `npm start`
 * and the end-to-end tests both come through here, so what the tests drive is what users run.
 */
export type FaceFactories = {
  telegram?: (config: NonNullable<Config['telegram']>, deps: FaceDependencies) => Face;
  discord?: (config: NonNullable<Config['discord']>, deps: FaceDependencies) => Face;
};

export interface AppOptions {
  logger?: Logger;
  /** How the Discord and Telegram faces are built (src/main.ts passes the real ones). */
  faceFactories?: FaceFactories;
  /** Run the terminal chat on these streams (default: only when no face has a token). */
  terminal?: { input: Readable; output: Writable; locale?: string; interactive?: boolean; imageDir?: string } | false;
  /** Schedule the alert cycle (default: when a face that can post alerts is up). */
  scheduleAlerts?: boolean;
  commands?: readonly Command[];
  now?: () => Date;
}

export interface App {
  config: Config;
  db: Db;
  services: Services & { alerts: AlertService };
  dispatcher: Dispatcher;
  faces: Face[];
  /** Resolves when the terminal chat ends (immediately when there is none). */
  terminalDone: Promise<void>;
  health?: Server;
  stop(): Promise<void>;
}

export async function startApp(config: Config, options: AppOptions = {}): Promise<App> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const db = openDatabase(config.databasePath);
  const services = createServices(config, db, logger);
  services.simulator = new SimulationRunner({ maxChatPositions: config.simulateMaxPositions, concurrency: 1 });
  const { preferences, market } = services;
  const dispatcher = new Dispatcher({
    commands: options.commands ?? COMMANDS,
    services,
    logger: logger.child({ part: 'chat' }),
    rateLimits: config.rateLimit,
    now: options.now,
    secrets: config.secrets,
  });

  const deps: FaceDependencies = { dispatcher, logger, secrets: config.secrets };
  const factories = options.faceFactories ?? {};
  const faces: Face[] = [];
  if (config.telegram) {
    if (!factories.telegram) throw new Error('TELEGRAM_BOT_TOKEN is set but this build has no Telegram face');
    faces.push(factories.telegram(config.telegram, { ...deps, logger: logger.child({ face: 'telegram' }) }));
  }
  if (config.discord) {
    if (!factories.discord) throw new Error('DISCORD_TOKEN is set but this build has no Discord face');
    faces.push(factories.discord(config.discord, { ...deps, logger: logger.child({ face: 'discord' }) }));
  }
  const senders: Partial<Record<PushPlatform, ReplySender>> = Object.fromEntries(faces.map((f) => [f.platform, f.sender]));
  const alerts = createAlertService({ config, db, market, preferences, senders, logger: logger.child({ part: 'alerts' }) });
  services.alerts = alerts;

  const started: Face[] = [];
  let health: Server | undefined;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await alerts.stop();
    for (const face of started.reverse()) {
      await face.stop().catch((error: unknown) => logger.warn({ err: error, face: face.platform }, 'face did not stop cleanly'));
    }
    await new Promise<void>((resolve) => (health ? health.close(() => resolve()) : resolve()));
    db.close();
  };

  try {
    for (const face of faces) {
      await face.start();
      started.push(face);
      logger.info({ face: face.platform }, 'face started');
    }
    if (options.scheduleAlerts ?? faces.length > 0) {
      alerts.start(config.alertsSchedule);
      // Whatever a previous run queued but could not deliver goes out now.
      void alerts.drain().catch((error: unknown) => logger.warn({ err: error }, 'alerts: drain after start failed'));
    }
    if (config.healthPort > 0) health = await serveHealth(config.healthPort, () => ({ faces: started.map((f) => f.platform) }));
  } catch (error) {
    await stop();
    throw error;
  }

  const terminal = options.terminal ?? (faces.length === 0 ? { input: process.stdin, output: process.stdout, locale: process.env.LANG } : false);
  const terminalDone = terminal ? runTerminal({ dispatcher, ...terminal }) : Promise.resolve();

  return { config, db, services: services as App['services'], dispatcher, faces, terminalDone, health, stop };
}

/**
 * The services every entry point shares (the bot and the one-shot CLI): preferences and market
 * data on the one database. The bot adds the simulation worker pool and the alert service.
 */
export function createServices(config: Config, db: Db, logger: Logger): Services & { market: MarketService } {
  return {
    preferences: new PreferencesRepository(db),
    market: createMarketService(config, db, logger.child({ part: 'market' })),
    venueTables: createVenueTableService(config, db, logger.child({ part: 'tier-tables' })),
  };
}

function serveHealth(port: number, status: () => Record<string, unknown>): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true, uptimeSeconds: Math.round(process.uptime()), ...status() }));
      return;
    }
    res.writeHead(404).end();
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => resolve(server));
  });
}
