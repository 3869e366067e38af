import type { FormSpec } from './command.ts';

/**
 * A private form answered in one chat message (Telegram): one field per line when the message has
 * exactly as many lines as the form has fields, otherwise the words in order, the last field taking
 * the rest (a passphrase may hold spaces). Missing fields are empty: the command says what to send.
 */
export function formValuesFromText(text: string, spec: Pick<FormSpec, 'fields'>): Record<string, string> {
  const count = spec.fields.length;
  const lines = text.split(/\r?\n/).map((line) => line.trim()).filter(Boolean);
  let parts: string[];
  if (lines.length === count) parts = lines;
  else {
    const words = text.trim().split(/\s+/).filter(Boolean);
    parts = words.length > count ? [...words.slice(0, count - 1), words.slice(count - 1).join(' ')] : words;
  }
  return Object.fromEntries(spec.fields.map((field, i) => [field.name, parts[i] ?? '']));
}
