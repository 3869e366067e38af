import { spawn } from 'node:child_process';
import { projectPath } from '../../src/paths.ts';

/** A command as users run it (the CLI, `npm start`): a real process in the project folder, no network. */
export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A child that hangs is killed, so its test fails with what it printed instead of stalling the run. */
const CHILD_TIMEOUT_MS = 60_000;

export function runProcess(command: string, args: string[], env: NodeJS.ProcessEnv, stdin = ''): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: projectPath(), env, timeout: CHILD_TIMEOUT_MS });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

/** Waits until `condition` holds; `what` names it in the error when it never does. */
export async function until(what: string, condition: () => boolean | Promise<boolean>, options: { timeoutMs?: number; everyMs?: number } = {}): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  while (!(await condition())) {
    // A guard against a hung test, not a speed assertion.
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => (options.everyMs === 0 ? setImmediate(resolve) : setTimeout(resolve, options.everyMs ?? 10)));
  }
}
