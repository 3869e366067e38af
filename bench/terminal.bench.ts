import { PassThrough } from 'node:stream';
import { pino } from 'pino';
import { COMMANDS } from '../commands/index.ts';
import { Dispatcher } from '../src/chat/dispatcher.ts';
import { LANGUAGE_PREFERENCES } from '../src/chat/preferences.ts';
import { Services } from '../src/chat/services.ts';
import { runTerminal } from '../src/platforms/terminal/repl.ts';
import { openDatabase } from '../src/store/database.ts';
import { PreferencesRepository } from '../src/store/preferences.ts';

/**
 * Terminal chat reply latency: a line written to the chat's input → its rendered answer on the
 * output, through the same dispatcher the chat faces use (one warm-up answer each, not counted).
 * Printed, never asserted. `npm run bench terminal`.
 */
const CASES: Array<[string, number]> = [
  ['/liq binance long 30000 1 10x', 20],
  ['/adl-rank binance short 122k 102k 1 20x', 20],
  ['/help', 20],
  ['/explain adl 2', 20],
];

export async function terminalLatencyBench(): Promise<void> {
  const dispatcher = new Dispatcher({ commands: COMMANDS, services: Services.empty().with(LANGUAGE_PREFERENCES, new PreferencesRepository(openDatabase(':memory:'))), logger: pino({ level: 'silent' }) });
  const input = new PassThrough();
  const output = new PassThrough();
  let waiting: (() => void) | undefined;
  output.on('data', () => waiting?.());
  const done = runTerminal({ dispatcher, input, output, interactive: false, welcome: false });
  const answer = (line: string) =>
    new Promise<number>((resolve) => {
      const start = performance.now();
      waiting = () => {
        waiting = undefined;
        resolve(performance.now() - start);
      };
      input.write(`${line}\n`);
    });
  console.log('line                                      runs  median (ms)  max (ms)');
  for (const [line, runs] of CASES) {
    await answer(line);
    const times: number[] = [];
    for (let i = 0; i < runs; i++) times.push(await answer(line));
    times.sort((a, b) => a - b);
    console.log(`${line.padEnd(40)}  ${String(runs).padStart(4)}  ${times[Math.floor(runs / 2)].toFixed(1).padStart(11)}  ${times[runs - 1].toFixed(1).padStart(8)}`);
  }
  input.end();
  await done;
}
