/**
 * TXT record values in zone-file presentation form (RFC 1035 §5.1, §3.3.14), the form Route 53 and
 * Huawei Cloud DNS take and return in their APIs: one or more quoted character-strings, `"` and `\`
 * escaped, other bytes as `\DDD`. ACME values (RFC 8555 §8.4: base64url) never need an escape, but
 * records of other software on the same name may, and must be compared correctly and left as they
 * are.
 */

/** A character-string holds at most 255 octets (RFC 1035 §3.3). */
const MAX_STRING_OCTETS = 255;

/**
 * `value` as presentation-form TXT data: quoted, `"` and `\` escaped, bytes outside printable ASCII
 * as `\DDD`, split into 255-octet strings separated by a space. `abc` → `"abc"`. Pure.
 */
export function quoteTxt(value: string): string {
  const bytes = Buffer.from(value, 'utf8');
  const strings: string[] = [];
  for (let start = 0; start === 0 || start < bytes.length; start += MAX_STRING_OCTETS) {
    let text = '';
    for (const byte of bytes.subarray(start, start + MAX_STRING_OCTETS)) {
      if (byte === 0x22 || byte === 0x5c) text += `\\${String.fromCharCode(byte)}`;
      else if (byte >= 0x20 && byte < 0x7f) text += String.fromCharCode(byte);
      else text += `\\${String(byte).padStart(3, '0')}`;
    }
    strings.push(`"${text}"`);
  }
  return strings.join(' ');
}

/**
 * The value that presentation-form TXT data holds, as a resolver (and so the ACME server) reads it:
 * its character-strings, quoted or bare, unescaped and joined. `"ab" "c"` → `abc`; `abc` → `abc`.
 * Lenient: an unterminated quote runs to the end. Pure.
 */
export function unquoteTxt(data: string): string {
  const bytes: number[] = [];
  let index = 0;
  const pushChar = (): void => {
    const char = data[index] ?? '';
    if (char === '\\') {
      const digits = /^\d{3}/.exec(data.slice(index + 1));
      if (digits !== null) {
        bytes.push(Number(digits[0]) & 0xff);
        index += 4;
        return;
      }
      bytes.push(...Buffer.from(data[index + 1] ?? '', 'utf8'));
      index += 2;
      return;
    }
    // Code points, not UTF-16 units, so a character outside the BMP stays whole.
    const codePoint = String.fromCodePoint(data.codePointAt(index) ?? 0);
    bytes.push(...Buffer.from(codePoint, 'utf8'));
    index += codePoint.length;
  };
  while (index < data.length) {
    const char = data[index] ?? '';
    if (/\s/.test(char)) {
      index++;
    } else if (char === '"') {
      index++;
      while (index < data.length && data[index] !== '"') pushChar();
      index++;
    } else {
      while (index < data.length && !/\s/.test(data[index] ?? '')) pushChar();
    }
  }
  return Buffer.from(bytes).toString('utf8');
}
