/**
 * Times of a Lizmap G-Obs server. It writes and compares wall-clock times of its own zone with no
 * zone in the text ('YYYY-MM-DD HH:MM:SS', the list with 'T' and fractions), while its HTTP `Date`
 * header is UTC. The desktop never uses its own clock for the sync window: it bounds the server's
 * "now" from below with what the server itself said (`ServerClock`).
 */

/** 'YYYY-MM-DD[ T]HH:MM:SS(.ffffff)' read as if it were UTC: a number to compare and subtract. */
export function wallMs(text: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(\.\d+)?$/.exec(text.trim());
  if (!m) return null;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  if (Number.isNaN(ms)) return null;
  return ms + (m[7] ? Math.round(Number(m[7]) * 1000) : 0);
}

/** The wall-clock text of a `wallMs` value, to the second (truncated). */
export function wallText(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * A server time as the desktop stores it: 'YYYY-MM-DD HH:MM:SS', 'T' replaced, fractions of a
 * second dropped (the module accepts none when they are sent back). Null when it is not a time.
 */
export function secondsText(text: string | null | undefined): string | null {
  if (!text) return null;
  const ms = wallMs(text);
  return ms === null ? null : wallText(ms);
}

/**
 * The version of an observation: its `updated_at` in whole seconds (rounded, as PostgreSQL rounds
 * `timestamp(0)`, so the list's microseconds and the detail's seconds give the same number). The
 * module keeps no version number; two changes within one second are not told apart.
 */
export function versionOf(updatedAt: string): number {
  const ms = wallMs(updatedAt);
  if (ms === null) throw new Error(`not a server time: ${updatedAt}`);
  return Math.round(ms / 1000);
}

/** How far a time window reaches back into the previous one: commits that were late, clocks that drift. */
export const WINDOW_OVERLAP_MS = 15 * 60_000;

/** Offsets change by at most an hour at a daylight-saving switch; a learnt offset may be that much too large. */
const OFFSET_CHANGE_MS = 60 * 60_000;

/**
 * What the client knows of the server's clock. The server's zone is never announced, so its offset
 * from UTC is bounded from below: a server time T written before an answer dated D (UTC) means
 * offset > T − D − 1.5 s (the header is truncated to the second, and T may be rounded up by half a
 * second). `nowAtLeast(D)` is then a wall time the server's own clock had certainly passed when it
 * answered at D; never later than the truth, so a window starting there can miss nothing.
 */
export class ServerClock {
  private offsetAtLeast: number | null = null;

  /** A server time written no later than the answer dated `date` (an HTTP Date header) was sent. */
  learn(serverTime: string | null | undefined, date: string | undefined): void {
    const t = serverTime ? wallMs(serverTime) : null;
    const d = date ? Date.parse(date) : NaN;
    if (t === null || Number.isNaN(d)) return;
    const bound = t - d - 1500;
    if (this.offsetAtLeast === null || bound > this.offsetAtLeast) this.offsetAtLeast = bound;
  }

  /** A wall time certainly passed on the server when it sent the answer dated `date`; null when unknown. */
  nowAtLeast(date: string | undefined): string | null {
    const d = date ? Date.parse(date) : NaN;
    if (this.offsetAtLeast === null || Number.isNaN(d)) return null;
    return wallText(d + this.offsetAtLeast - OFFSET_CHANGE_MS);
  }
}

/**
 * A listed time as a wall time the server had certainly passed: the module may round its times to
 * the second (PostgreSQL's `timestamp(0)` rounds), so one can be up to half a second ahead.
 */
export function passed(wall: string | null): string | null {
  const ms = wall ? wallMs(wall) : null;
  return ms === null ? null : wallText(ms - 500);
}

/** The later of two wall times (either may be missing). */
export function laterOf(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return (wallMs(a) ?? 0) >= (wallMs(b) ?? 0) ? a : b;
}

/** `lastSyncDate` for a window following one that ended at `cursor`: overlapping it by the margin. */
export function windowStart(cursor: string): string | null {
  const ms = wallMs(cursor);
  return ms === null ? null : wallText(ms - WINDOW_OVERLAP_MS);
}
