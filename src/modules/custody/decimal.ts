// Crypto-asset amounts as exact decimals, never floats: 0.1 + 0.2 must be 0.3 when a daily total is
// checked against its limit. An amount travels as a decimal string ("12.5"), is computed on as a
// bigint of 10^-18 units (the smallest unit of ether, the finest common asset), and is stored and
// digested in one normal form: no leading zeros, no trailing fractional zeros ("12.50" -> "12.5").

export const MAX_FRACTION_DIGITS = 18
const SCALE = 10n ** BigInt(MAX_FRACTION_DIGITS)

/** What the API accepts: up to 30 integer digits and 18 fractional ones, no sign, no exponent. */
export const AMOUNT_PATTERN = '^(0|[1-9][0-9]{0,29})(\\.[0-9]{1,18})?$'
const AMOUNT = new RegExp(AMOUNT_PATTERN)

/** The amount in 10^-18 units, or null when the text is not an amount of the accepted form. */
export function parseAmount(text: string): bigint | null {
  const match = AMOUNT.exec(text)
  if (!match) return null
  const whole = BigInt(match[1]!)
  const fraction = (match[2] ?? '.').slice(1).padEnd(MAX_FRACTION_DIGITS, '0')
  return whole * SCALE + BigInt(fraction)
}

/** The normal form of an amount in 10^-18 units. */
export function formatAmount(units: bigint): string {
  if (units < 0n) throw new RangeError('amounts are never negative')
  const whole = units / SCALE
  const fraction = (units % SCALE).toString().padStart(MAX_FRACTION_DIGITS, '0').replace(/0+$/, '')
  return fraction ? `${whole}.${fraction}` : whole.toString()
}

/** The normal form of an amount, or null when the text is not one. */
export function normalizeAmount(text: string): string | null {
  const units = parseAmount(text)
  return units === null ? null : formatAmount(units)
}

/** Units of an amount known to be valid (stored amounts are written in normal form). */
export function unitsOf(amount: string): bigint {
  const units = parseAmount(amount)
  if (units === null) throw new RangeError(`not an amount: ${amount}`)
  return units
}

export function sumAmounts(amounts: readonly string[]): string {
  return formatAmount(amounts.reduce((total, amount) => total + unitsOf(amount), 0n))
}

/** -1, 0 or 1 as a is less than, equal to or greater than b. */
export function compareAmounts(a: string, b: string): -1 | 0 | 1 {
  const left = unitsOf(a)
  const right = unitsOf(b)
  return left < right ? -1 : left > right ? 1 : 0
}
