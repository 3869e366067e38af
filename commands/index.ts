import type { Command } from '../src/chat/command.ts';
import { adlRankCommand } from './adl-rank.ts';
import { alertsCommand } from './alerts.ts';
import { explainCommand } from './explain.ts';
import { createHelpCommand } from './help.ts';
import { langCommand } from './lang.ts';
import { liqCommand } from './liq.ts';
import { liquidationsCommand } from './liquidations.ts';
import { marketCommand } from './market.ts';
import { simulateCommand } from './simulate.ts';
import { watchCommand } from './watch.ts';

/**
 * The registry: every command, in the order /help lists them. A command listed here is served
 * by every face (Discord slash command, Telegram /command, terminal chat, one-shot CLI).
 */
export const COMMANDS: readonly Command[] = [
  liqCommand,
  adlRankCommand,
  explainCommand,
  simulateCommand,
  marketCommand,
  liquidationsCommand,
  alertsCommand,
  watchCommand,
  langCommand,
  createHelpCommand(() => COMMANDS),
];
