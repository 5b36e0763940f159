/** SQL fragment formatting a timestamptz column as an ISO 8601 UTC instant (same text on both engines). */
export const iso = (col: string) => `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
/** The observation time as "YYYY-MM-DD HH:MM:SS". */
export const wallClock = (col: string) => `to_char(${col}, 'YYYY-MM-DD HH24:MI:SS')`;
