import { Routes, type REST } from 'discord.js';
import { definitionsHash, type CommandDefinition, type CommandScope } from './commands.ts';

/**
 * Slash-command registration, only when something changed: the commands Discord already has
 * (GET with localizations) and the generated ones are reduced to the fields we set and hashed;
 * a bulk overwrite (PUT) happens only when the hashes differ. Discord is the record, so nothing
 * is stored locally and a registration changed by hand (or by another deployment) is repaired.
 */
export interface SyncResult {
  changed: boolean;
  scope: CommandScope;
  count: number;
  hash: string;
}

export async function syncCommands(
  rest: REST,
  target: { applicationId: string; guildId?: string },
  definitions: readonly CommandDefinition[],
): Promise<SyncResult> {
  const scope: CommandScope = target.guildId ? 'guild' : 'global';
  const route = target.guildId ? Routes.applicationGuildCommands(target.applicationId, target.guildId) : Routes.applicationCommands(target.applicationId);
  const hash = definitionsHash(definitions, scope);
  const existing = (await rest.get(route, { query: new URLSearchParams({ with_localizations: 'true' }) })) as object[];
  if (Array.isArray(existing) && definitionsHash(existing, scope) === hash) return { changed: false, scope, count: definitions.length, hash };
  await rest.put(route, { body: definitions });
  return { changed: true, scope, count: definitions.length, hash };
}
