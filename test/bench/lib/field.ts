/** Observations as field devices create them offline; imported by device processes, so it imports nothing. */

/** Observation i of field device `seed`: the input of observations.create (indicator aside). */
export function fieldEntry(seed: number, i: number) {
  const k = seed * 1_000_000 + i;
  // One reading per minute from a fixed day onwards, spread over the map.
  return {
    timestamp: new Date(Date.UTC(2026, 0, 1) + k * 60_000).toISOString().slice(0, 16).replace('T', ' '),
    x: ((k * 37) % 3600) / 10 - 180,
    y: ((k * 53) % 1800) / 10 - 90,
    values: { rain: (k % 300) / 10, gauge: k % 40, checked: k % 2 === 0, note: `device ${seed} entry ${i}` },
  };
}
