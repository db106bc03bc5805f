/** UTC `YYYYMMDDHHMMSS`, the stamp migration files are named with. */
export function fileStamp(d: Date): string {
  return d.toISOString().replace(/[-:T]/g, '').slice(0, 14)
}

/** `2024-01-15 14:00:00 UTC`. */
export function utcText(d: Date): string {
  return `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`
}

/** A human duration: `850ms`, `4.2s`, `12m 34s`, `1h 02m`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`
  const s = ms / 1000
  if (s < 60) return `${s.toFixed(s < 10 ? 2 : 1)}s`
  const m = Math.floor(s / 60)
  if (m < 60) return `${m}m ${String(Math.round(s % 60)).padStart(2, '0')}s`
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`
}
