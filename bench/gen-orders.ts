/**
 * Seeded generator of an orders CSV for benchmarks (deterministic: the same file every time).
 *
 *   node --import tsx bench/gen-orders.ts <out.csv> [rows=1000000] [--variant conversions]
 *
 * Columns: order_id (sequential), customer_id, order_date (ISO), created_at (timestamp with offset), total
 * (2 decimals), status (5 values), email, is_gift (true/false), note (mostly empty, sometimes quoted multi-line
 * text with commas and doubled quotes), tracking_uuid. ~160 bytes a row. `--variant conversions` writes the same
 * data with day-first dates (31.01.2024), decimal comma with '.' thousands (1.234,56) and ';' as delimiter.
 */
import { createWriteStream } from 'node:fs'

const args = process.argv.slice(2)
const out = args[0]
if (!out) {
  process.stderr.write('usage: gen-orders.ts <out.csv> [rows] [--variant conversions]\n')
  process.exit(2)
}
const rows = Number(args[1] && !args[1].startsWith('--') ? args[1] : 1_000_000)
const conversions = args.includes('--variant') && args[args.indexOf('--variant') + 1] === 'conversions'

// mulberry32: small, fast, seeded.
let seed = 0x5eed1234
function rand(): number {
  seed |= 0
  seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}
const int = (n: number): number => Math.floor(rand() * n)
const hex = (n: number): string => {
  let s = ''
  for (let i = 0; i < n; i++) s += '0123456789abcdef'[int(16)]
  return s
}

const STATUS = ['pending', 'paid', 'shipped', 'delivered', 'cancelled']
const NOTES = ['Leave at the door', 'Gift wrap, please', 'Call "before" delivery', 'Fragile:\nglass inside, handle with care', 'Deliver after 5pm, side entrance']
const OFFSETS = ['+00:00', '+01:00', '+02:00', '-05:00', '+05:30']
const DOMAINS = ['example.com', 'mail.example.org', 'shop.example.net']
const d = conversions ? ';' : ','
const pad = (n: number, w = 2): string => String(n).padStart(w, '0')

function money(cents: number): string {
  const s = (cents / 100).toFixed(2)
  if (!conversions) return s
  const [i, f] = s.split('.') as [string, string]
  return `${i.replace(/\B(?=(\d{3})+(?!\d))/g, '.')},${f}`
}

const stream = createWriteStream(out, { highWaterMark: 1 << 20 })
stream.write(['order_id', 'customer_id', 'order_date', 'created_at', 'total', 'status', 'email', 'is_gift', 'note', 'tracking_uuid'].join(d) + '\n')
const base = Date.UTC(2022, 0, 1)
let buf = ''
for (let i = 1; i <= rows; i++) {
  const t = new Date(base + int(3 * 365 * 86400) * 1000)
  const y = t.getUTCFullYear()
  const mo = pad(t.getUTCMonth() + 1)
  const da = pad(t.getUTCDate())
  const date = conversions ? `${da}.${mo}.${y}` : `${y}-${mo}-${da}`
  const time = `${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())}`
  const created = conversions ? `${date} ${time}` : `${y}-${mo}-${da}T${time}${OFFSETS[int(OFFSETS.length)]}`
  const r = rand()
  const note = r < 0.8 ? '' : `"${NOTES[int(NOTES.length)]!.replace(/"/g, '""')}"`
  const uuid = `${hex(8)}-${hex(4)}-4${hex(3)}-${'89ab'[int(4)]}${hex(3)}-${hex(12)}`
  buf += [i, 1 + int(200_000), date, created, money(100 + int(500_000)), STATUS[int(5)], `customer${int(200_000)}@${DOMAINS[int(3)]}`, rand() < 0.1 ? 'true' : 'false', note, uuid].join(d) + '\n'
  if (buf.length > 1 << 20) {
    if (!stream.write(buf)) await new Promise<void>((res) => stream.once('drain', () => res()))
    buf = ''
  }
}
stream.end(buf)
await new Promise<void>((res) => stream.on('finish', () => res()))
