import type { Lang } from './command.ts';

/**
 * A moment as replies show it, in UTC: English `2025-10-10 21:15`, Vietnamese `10/10/2025 21:15`
 * (dd/mm/yyyy, as Vietnamese exchanges and news write dates).
 */
export function formatDateTime(time: number | Date | string, lang: Lang): string {
  const iso = new Date(time).toISOString();
  const [date, clock] = [iso.slice(0, 10), iso.slice(11, 16)];
  if (lang === 'vi') {
    const [year, month, day] = date.split('-');
    return `${day}/${month}/${year} ${clock}`;
  }
  return `${date} ${clock}`;
}
