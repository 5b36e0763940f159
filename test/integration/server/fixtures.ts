import { randomUUID } from 'node:crypto';

/** The founding design's devices. */
export const DEVICE_A = '847bd592-0bc5-84d7-bf79-ae40fa544557';
export const DEVICE_B = '9d10aaab-84f9-87ca-e564-515e746fb2ba';
export const DEVICE_C = '3ee487d9-f909-634d-2455-0c8fbead6e4e';
export const OBSERVATION_1 = 'e715352e-edb0-553e-2c69-09b6dc768ea7';

/** A valid push item for the test indicator `pluviometry` (see test/helpers/server.ts). */
export function newObs(over: Record<string, unknown> = {}) {
  return {
    uuid: randomUUID(),
    indicator: 'pluviometry',
    timestamp: '2024-05-01 10:00:00',
    x: 3.87,
    y: 43.61,
    values: [
      { name: 'rain', type: 'real', value: 1.5 },
      { name: 'gauge', type: 'integer', value: 7 },
      { name: 'checked', type: 'boolean', value: true },
      { name: 'note', type: 'string', value: 'clear sky' },
    ],
    ...over,
  };
}

export function seedRows(n: number, start = 0) {
  return Array.from({ length: n }, (_, k) => ({
    timestamp: `2023-01-01 ${String(Math.floor(((start + k) % 1440) / 60)).padStart(2, '0')}:${String((start + k) % 60).padStart(2, '0')}:00`,
    x: 3 + ((start + k) % 100) / 100,
    y: 43 + ((start + k) % 50) / 100,
    values: {
      rain: ((start + k) % 30) / 10,
      gauge: (start + k) % 5,
      checked: (start + k) % 2 === 0,
      note: `row ${start + k}`,
    },
  }));
}
