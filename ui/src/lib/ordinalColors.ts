// One colour per StatefulSet ordinal, shared by every view that tells pods apart by colour (the
// Metrics charts and their legend today, the log view's ordinal badges next). Mid-tone colours
// that read on both the light (#fff) and the dark (#17191d) background; colour is never the only
// cue: the ordinal's name is always shown next to it.

export const ORDINAL_PALETTE: readonly string[] = [
  "#3b82f6", // blue
  "#f97316", // orange
  "#10b981", // green
  "#e11d48", // rose
  "#8b5cf6", // violet
  "#0891b2", // cyan
  "#ca8a04", // amber
  "#db2777", // pink
  "#65a30d", // lime
  "#78716c", // stone
];

/** The colour of an ordinal (pod `<name>-<ordinal>`); repeats every ORDINAL_PALETTE.length ordinals. */
export function ordinalColor(ordinal: number): string {
  const n = ORDINAL_PALETTE.length;
  const i = ((Math.trunc(ordinal) % n) + n) % n;
  return ORDINAL_PALETTE[i]!;
}
