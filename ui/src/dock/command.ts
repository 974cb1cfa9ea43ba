// Small pure helpers of the dock: splitting a typed command like a shell would, quoting an argv
// back for display, byte counts in human units.

export type SplitResult = { ok: true; argv: string[] } | { ok: false; error: "unterminatedQuote" | "trailingBackslash" };

/**
 * Splits `psql -U postgres -c 'select 1'` into argv the way a POSIX shell does for simple input:
 * whitespace separates words; '…' is literal; "…" keeps spaces and honours \" \\ \$ \`; a
 * backslash outside quotes escapes the next character. No expansion of any kind.
 */
export function splitCommand(input: string): SplitResult {
  const argv: string[] = [];
  let word = "";
  let inWord = false;
  let i = 0;
  const s = input;
  while (i < s.length) {
    const c = s[i]!;
    if (c === " " || c === "\t" || c === "\n") {
      if (inWord) argv.push(word);
      word = "";
      inWord = false;
      i++;
    } else if (c === "'") {
      const end = s.indexOf("'", i + 1);
      if (end === -1) return { ok: false, error: "unterminatedQuote" };
      word += s.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (c === '"') {
      i++;
      let closed = false;
      while (i < s.length) {
        const d = s[i]!;
        if (d === '"') {
          closed = true;
          i++;
          break;
        }
        if (d === "\\" && i + 1 < s.length && '"\\$`'.includes(s[i + 1]!)) {
          word += s[i + 1];
          i += 2;
        } else {
          word += d;
          i++;
        }
      }
      if (!closed) return { ok: false, error: "unterminatedQuote" };
      inWord = true;
    } else if (c === "\\") {
      if (i + 1 >= s.length) return { ok: false, error: "trailingBackslash" };
      word += s[i + 1];
      inWord = true;
      i += 2;
    } else {
      word += c;
      inWord = true;
      i++;
    }
  }
  if (inWord) argv.push(word);
  return { ok: true, argv };
}

/** argv back as one line a shell would split the same way (for fields and titles). */
export function joinCommand(argv: readonly string[]): string {
  return argv.map((a) => (a !== "" && /^[A-Za-z0-9_@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(" ");
}

/** 1536 → "1.5 KiB". */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n) || n < 1024) return `${Math.max(0, Math.round(n || 0))} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v >= 100 ? Math.round(v) : v.toFixed(1)} ${units[u]}`;
}

/** The port of "127.0.0.1:15432" (or "[::1]:15432"). */
export function localPort(address: string): string {
  const i = address.lastIndexOf(":");
  return i === -1 ? address : address.slice(i + 1);
}
