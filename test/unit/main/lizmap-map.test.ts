/**
 * Where a Lizmap observation is (remote/lizmap/map.ts): the module's `coordinates`, or else its point
 * `wkt` read by the shared WKT reader; anything else is a server fault naming the observation.
 */
import { describe, expect, it } from 'vitest';
import { mapObservation, type SeriesEntry } from '../../../src/main/remote/lizmap/map';
import type { LizmapObservation } from '../../../src/main/remote/lizmap/wire';

const entry: SeriesEntry = {
  key: 'lizmap:1',
  id: '1',
  projectKey: 'p',
  indicatorCode: 'rain',
  layerCode: null,
  dateFormat: 'second',
  dimensions: [{ code: 'mm', name: 'mm', type: 'real', unit: 'mm' }],
};

const observation = (place: Partial<LizmapObservation>): LizmapObservation => ({
  id: 7,
  series: '1',
  indicator: 'rain',
  uuid: '0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6',
  start_timestamp: '2024-05-01 10:00:00',
  updated_at: '2024-05-01 10:00:00',
  values: [1.5],
  ...place,
});

const placeOf = (place: Partial<LizmapObservation>) => {
  const o = mapObservation(observation(place), entry, 'writer', 'list');
  return { x: o.x, y: o.y, wkt: o.wkt };
};

describe('a Lizmap observation’s place', () => {
  it('takes the coordinates when the module gives them', () => {
    expect(placeOf({ coordinates: { x: 3.25, y: 43.5 }, wkt: 'POINT(0 0)' })).toEqual({
      x: 3.25,
      y: 43.5,
      wkt: 'POINT(3.25 43.5)',
    });
  });

  it('reads a point WKT otherwise, in any spelling the WKT reader takes, dropping a Z', () => {
    for (const wkt of ['POINT(3.123456 43.123456)', 'point ( 3.123456  43.123456 )', 'POINT Z (3.123456 43.123456 12)'])
      expect(placeOf({ wkt })).toEqual({ x: 3.123456, y: 43.123456, wkt: 'POINT(3.123456 43.123456)' });
  });

  it('refuses an observation with no point, naming it', () => {
    for (const wkt of [undefined, 'LINESTRING(0 0, 1 1)', 'POINT(3)', 'POINT(a b)', 'POINT EMPTY']) {
      expect(() => placeOf({ wkt })).toThrowError(
        expect.objectContaining({
          code: 'bad_server',
          message: 'The server sent observation 0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6 without coordinates.',
        }),
      );
    }
  });
});
