/** "3m ago", "2h ago", "5d ago": humans on a terminal; scripts get RFC 3339. */
export function relativeTime(iso: string | undefined, now: Date): string {
  if (!iso) return '';
  const ms = now.getTime() - new Date(iso).getTime();
  if (Number.isNaN(ms)) return iso;
  const s = Math.round(Math.abs(ms) / 1000);
  const suffix = ms >= 0 ? ' ago' : ' from now';
  if (s < 60) return `${s}s${suffix}`;
  if (s < 3600) return `${Math.floor(s / 60)}m${suffix}`;
  if (s < 86400) return `${Math.floor(s / 3600)}h${suffix}`;
  return `${Math.floor(s / 86400)}d${suffix}`;
}
