// How a one-time code looks and sounds: grouped for the eye, one character at a time for the ear.

/**
 * Splits a numeric code into two groups, the shorter first, so it can be read at a glance:
 * `123 456`, `123 4567`, `1234 5678`, `12345 67890`. Codes of five characters or fewer and codes
 * that are not all digits (Steam's `5RT2K`) are shown as they are.
 */
export function groupCode(code: string): string {
  if (code.length <= 5 || !/^\d+$/.test(code)) return code;
  const half = Math.floor(code.length / 2);
  return `${code.slice(0, half)} ${code.slice(half)}`;
}

/** The code as a screen reader should say it: every character on its own (`1 2 3 4 5 6`). */
export function spokenCode(code: string): string {
  return Array.from(code.replace(/\s+/g, '')).join(' ');
}

/**
 * One or two letters for an account without an icon: the first letters of the first two words of
 * the issuer, or of the name (the part before an `@` in an address) when there is no issuer.
 */
export function initials(issuer: string | null, name: string): string {
  const source = issuer?.trim() || name.split('@')[0];
  const words = source.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  const letters = words.slice(0, 2).map((word) => Array.from(word)[0].toLocaleUpperCase());
  return letters.join('') || '?';
}

/** A hue for an account's initials, the same for the same issuer on every start. */
export function hueOf(text: string): number {
  let hash = 0;
  for (const char of text) hash = (hash * 31 + char.codePointAt(0)!) % 360;
  return hash;
}
