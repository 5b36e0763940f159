import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Observation } from '../../../src/shared/api.js';
import { exportCsv, importCsv, parseCsv } from '../../../src/server/admin/csv.js';
import { deviceReport, observationDevices } from '../../../src/server/admin/devices.js';
import { SeedError } from '../../../src/server/admin/seed.js';
import { startTestServer, testEngines, type TestServer } from '../../helpers/server.js';
import { Client, syncAll } from './client.js';
import { DEVICE_A, DEVICE_B } from './fixtures.js';

type Obs = Observation;

describe.each(testEngines())('admin: CSV import/export and device report (%s)', (engine) => {
  let srv: TestServer;
  let a: Client;
  const count = async () =>
    Number((await srv.db.query<{ n: number }>('SELECT count(*)::int8 AS n FROM observation'))[0]!.n);

  beforeAll(async () => {
    srv = await startTestServer({ engine });
    await srv.seed.basic();
    a = await new Client(srv.baseUrl, null, DEVICE_A).login('reader', 'reader');
  });
  afterAll(() => srv?.close());

  const HEADER = 'uuid,timestamp,x,y,wkt,rain,gauge,checked,note';

  it('imports rows as one new import; rows with a known uuid update, so devices get the new version', async () => {
    const first = await importCsv(srv.db, {
      indicator: 'pluviometry',
      as: 'writer',
      csv:
        `${HEADER}\n` +
        'aaaaaaaa-0000-4000-8000-000000000001,2024-03-01 08:00:00,3.5,43.5,,1.5,1,true,"quoted, with comma"\n' +
        ',2024-03-01 09:00,,,"POLYGON((0 0, 2 0, 2 2, 0 2, 0 0))",0,2,false,\n',
    });
    expect(first).toMatchObject({ created: 2, updated: 0 });
    const got = await syncAll<Obs>(a, 'pluviometry');
    expect(got.items).toHaveLength(2);
    expect(new Set(got.items.map((o) => o.import))).toEqual(new Set([first.importId]));
    const poly = got.items.find((o) => o.wkt.startsWith('POLYGON'))!;
    expect([poly.x, poly.y]).toEqual([1, 1]);
    expect(got.items.find((o) => o.uuid.endsWith('0001'))!.values.find((v) => v.name === 'note')!.value).toBe(
      'quoted, with comma',
    );

    const second = await importCsv(srv.db, {
      indicator: 'pluviometry',
      as: null,
      csv: `${HEADER}\r\naaaaaaaa-0000-4000-8000-000000000001,2024-03-01 08:00:00,3.5,43.5,,9.9,1,true,corrected\r\n`,
    });
    expect(second).toMatchObject({ created: 0, updated: 1 });
    const again = await syncAll<Obs>(a, 'pluviometry');
    expect(again.items.map((o) => [o.uuid, o.import])).toEqual([
      ['aaaaaaaa-0000-4000-8000-000000000001', second.importId],
    ]);
    expect(again.items[0]!.author).toBe('writer'); // an update does not change the author
  });

  it('a bad row aborts the whole import with its line number', async () => {
    const before = await count();
    const bad = `${HEADER}\n,2024-01-01 00:00:00,1,1,,1,1,true,ok\n,2024-01-01 00:00:00,1,1,,1,1.5,true,bad gauge\n`;
    await expect(importCsv(srv.db, { indicator: 'pluviometry', as: null, csv: bad })).rejects.toThrow(
      /line 3: values.gauge/,
    );
    await expect(
      importCsv(srv.db, { indicator: 'pluviometry', as: null, csv: 'uuid,timestamp,x,y\n' }),
    ).rejects.toThrow(/line 1: missing column "rain"/);
    await expect(importCsv(srv.db, { indicator: 'pluviometry', as: null, csv: `${HEADER},colour\n` })).rejects.toThrow(
      /unknown column "colour"/,
    );
    await expect(
      importCsv(srv.db, {
        indicator: 'pluviometry',
        as: null,
        csv: `${HEADER}\n,2024-01-01 00:00:00,200,1,,1,1,true,x\n`,
      }),
    ).rejects.toThrow(/line 2: x/);
    await expect(
      importCsv(srv.db, { indicator: 'pluviometry', as: null, csv: `${HEADER}\n,2024-01-01,1,1\n` }),
    ).rejects.toThrow(/line 2: expected 9 fields/);
    await expect(importCsv(srv.db, { indicator: 'nope', as: null, csv: HEADER })).rejects.toBeInstanceOf(SeedError);
    expect(await count()).toBe(before);
  });

  it('exports CSV that imports back unchanged', async () => {
    let csv = '';
    const n = await exportCsv(srv.db, 'pluviometry', (s) => {
      csv += s;
    });
    expect(n).toBe(await count());
    const lines = csv.trim().split('\n');
    expect(lines[0]).toBe(
      'id,uuid,import,timestamp,x,y,wkt,rain,gauge,checked,note,media,author,created_at,updated_at',
    );
    expect(lines).toHaveLength(n + 1);
    const r = await importCsv(srv.db, { indicator: 'pluviometry', as: null, csv });
    expect(r).toMatchObject({ created: 0, updated: n });
  });

  it('escapes text a spreadsheet would run as a formula, keeps numbers numeric, and reads it all back', async () => {
    const hostile = [
      '=HYPERLINK("http://evil.example","x")',
      '+1+1',
      "-2+3+cmd|' /C calc'!A0",
      '@SUM(A1)',
      '\tx',
      '\rx',
      "'quoted",
      '-3.5',
    ];
    const seeded = await srv.seed.observations({
      indicator: 'pluviometry',
      observations: hostile.map((note, k) => ({
        timestamp: `2024-06-0${k + 1} 10:00:00`,
        x: -3.5,
        y: -45.25,
        values: { rain: -0.5, gauge: -7, checked: false, note },
      })),
    });
    let csv = '';
    await exportCsv(srv.db, 'pluviometry', (s) => {
      csv += s;
    });
    const records = parseCsv(csv);
    const header = records[0]!.fields;
    const col = (name: string) => header.indexOf(name);
    const mine = records.filter((r) => seeded.uuids.includes(r.fields[col('uuid')]!));
    expect(mine).toHaveLength(hostile.length);
    for (const r of mine) {
      const cell = r.fields[col('note')]!;
      expect(cell.startsWith("'"), cell).toBe(true); // every hostile note is escaped, '-3.5' (text) too
      expect(cell).not.toMatch(/^[=+\-@\t\r]/);
      expect([r.fields[col('x')], r.fields[col('y')], r.fields[col('rain')], r.fields[col('gauge')]]).toEqual([
        '-3.5',
        '-45.25',
        '-0.5',
        '-7',
      ]);
    }
    const before = await srv.db.query<{ vals: unknown }>(
      'SELECT vals FROM observation WHERE uuid = ANY($1::uuid[]) ORDER BY id',
      [seeded.uuids],
    );
    await importCsv(srv.db, { indicator: 'pluviometry', as: null, csv });
    const after = await srv.db.query<{ vals: unknown; x: number }>(
      'SELECT vals, x FROM observation WHERE uuid = ANY($1::uuid[]) ORDER BY id',
      [seeded.uuids],
    );
    expect(after.map((r) => r.vals)).toEqual(before.map((r) => r.vals));
    expect(after.map((r) => (r.vals as { note: string }).note)).toEqual(hostile);
    expect(after.every((r) => r.x === -3.5)).toBe(true);
  });

  it("reports what each device holds, and the design's view of one observation", async () => {
    const b = await new Client(srv.baseUrl, null, DEVICE_B).login('reader', 'reader');
    await syncAll(b, 'pluviometry');
    await syncAll(a, 'pluviometry');
    const report = (await deviceReport(srv.db, 'pluviometry')).join('\n');
    expect(report).toContain(DEVICE_A);
    expect(report).toContain(DEVICE_B);
    const obsId = (await srv.db.query<{ id: number }>('SELECT min(id)::int8 AS id FROM observation'))[0]!.id;
    const view = (await observationDevices(srv.db, String(obsId))).join('\n');
    expect(view).toMatch(new RegExp(`'${DEVICE_A}': \\d+`));
    expect(view).toMatch(new RegExp(`'${DEVICE_B}': \\d+`));
    await expect(deviceReport(srv.db, 'nope')).rejects.toThrow(/unknown indicator/);
  });
});
