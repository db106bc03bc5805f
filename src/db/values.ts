/**
 * How result values look, the same on both backends: integers and floats as numbers (int8 only while it is a
 * safe integer, else the exact text), booleans as booleans, json/jsonb parsed, everything else (numeric, dates,
 * timestamps, uuid, text) as the server's text form, exactly as psql would show it.
 */

/** Type OIDs we parse; every other type stays text. */
export const OID = {
  bool: 16,
  int8: 20,
  int2: 21,
  int4: 23,
  oid: 26,
  float4: 700,
  float8: 701,
  json: 114,
  jsonb: 3802,
  numeric: 1700,
  date: 1082,
  time: 1083,
  timestamp: 1114,
  timestamptz: 1184,
  interval: 1186,
  timetz: 1266,
} as const

/** Parse one text-format value of type `oid`. */
export function parseValue(oid: number, text: string): unknown {
  switch (oid) {
    case OID.bool:
      return text === 't' || text === 'true'
    case OID.int2:
    case OID.int4:
    case OID.oid:
      return Number(text)
    case OID.int8: {
      const n = Number(text)
      return Number.isSafeInteger(n) ? n : text
    }
    case OID.float4:
    case OID.float8:
      return Number(text)
    case OID.json:
    case OID.jsonb:
      return JSON.parse(text) as unknown
    default:
      return text
  }
}

/** OIDs whose default driver parsing differs from {@link parseValue} and must be overridden. */
export const OVERRIDDEN_OIDS: readonly number[] = [
  OID.bool, OID.int8, OID.int2, OID.int4, OID.oid, OID.float4, OID.float8, OID.json, OID.jsonb, OID.numeric,
  OID.date, OID.time, OID.timestamp, OID.timestamptz, OID.interval, OID.timetz,
]
