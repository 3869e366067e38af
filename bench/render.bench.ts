import { pino } from 'pino';
import { COMMANDS } from '../commands/index.ts';
import { Dispatcher, type Invocation } from '../src/chat/dispatcher.ts';
import { LANGUAGE_PREFERENCES } from '../src/chat/preferences.ts';
import { Services } from '../src/chat/services.ts';
import { TELEGRAM_PROFILE } from '../src/platforms/telegram/profile.ts';
import { renderWorker } from '../src/render/render-worker.ts';
import { openDatabase } from '../src/store/database.ts';
import { PreferencesRepository } from '../src/store/preferences.ts';

/**
 * Charts off the chat thread (`npm run bench render`): a /liq sent right after a command whose
 * reply draws a chart (/explain crash-2025-10-10, step 1 carries the crash timeline), cold (the
 * render worker starts) and warm (another language, the worker running). Printed, never asserted.
 */
export async function renderBench(): Promise<void> {
  const services = Services.empty().with(LANGUAGE_PREFERENCES, new PreferencesRepository(openDatabase(':memory:')));
  const dispatcher = new Dispatcher({ commands: COMMANDS, services, logger: pino({ level: 'silent' }) });
  const someone = (id: string, lang: 'en' | 'vi'): Invocation => ({ face: TELEGRAM_PROFILE, user: { id }, chat: { id, kind: 'private' }, lang });
  await dispatcher.runLine(someone('warm-up', 'en'), '/liq binance long 30000 1 10x');
  console.log('case                         /liq answered (ms)  chart reply (ms)  longest event-loop stall (ms)');
  for (const [name, lang] of [['cold worker, English', 'en'], ['warm worker, Vietnamese', 'vi']] as const) {
    let stall = 0;
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      stall = Math.max(stall, now - last - 5);
      last = now;
    }, 5);
    const start = performance.now();
    const chart = dispatcher.runLine(someone(`reader-${lang}`, lang), '/explain crash-2025-10-10').then(() => performance.now() - start);
    const liqStart = performance.now();
    const liq = dispatcher.runLine(someone(`trader-${lang}`, lang), '/liq binance long 30000 1 10x').then(() => performance.now() - liqStart);
    const [chartMs, liqMs] = await Promise.all([chart, liq]);
    await new Promise((resolve) => setTimeout(resolve, 20)); // one more tick for the stall probe
    clearInterval(timer);
    console.log(`${name.padEnd(28)} ${liqMs.toFixed(1).padStart(18)} ${chartMs.toFixed(0).padStart(17)} ${stall.toFixed(0).padStart(30)}`);
  }
  await renderWorker.stop();
}
