import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

/** The repository root (the folder holding package.json), whatever the working directory. */
export const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

export function projectPath(...parts: string[]): string {
  return join(PROJECT_ROOT, ...parts);
}
