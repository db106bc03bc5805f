/**
 * A set of 53-bit hashes in one Float64Array with open addressing: 8–16 bytes an entry instead of the ~40 of a
 * JS Set<number>, which is what keeps uniqueness checks of a million-row key inside the memory budget. Pure.
 */
export class HashSet {
  #table: Float64Array
  #mask: number
  size = 0

  constructor(capacity = 1024) {
    let n = 1024
    while (n < capacity * 2) n *= 2
    this.#table = new Float64Array(n).fill(-1)
    this.#mask = n - 1
  }

  /** Add `h` (a non-negative integer < 2^53); returns false when it was already there. */
  add(h: number): boolean {
    if ((this.size + 1) * 2 > this.#table.length) this.#grow()
    return this.#insert(this.#table, this.#mask, h)
  }

  has(h: number): boolean {
    const t = this.#table
    let i = (h ^ Math.floor(h / 0x100000000)) & this.#mask
    for (;;) {
      const v = t[i]!
      if (v === -1) return false
      if (v === h) return true
      i = (i + 1) & this.#mask
    }
  }

  #insert(t: Float64Array, mask: number, h: number): boolean {
    let i = (h ^ Math.floor(h / 0x100000000)) & mask
    for (;;) {
      const v = t[i]!
      if (v === -1) {
        t[i] = h
        this.size++
        return true
      }
      if (v === h) return false
      i = (i + 1) & mask
    }
  }

  #grow(): void {
    const old = this.#table
    const next = new Float64Array(old.length * 2).fill(-1)
    const mask = next.length - 1
    this.size = 0
    for (let k = 0; k < old.length; k++) if (old[k] !== -1) this.#insert(next, mask, old[k]!)
    this.#table = next
    this.#mask = mask
  }
}
