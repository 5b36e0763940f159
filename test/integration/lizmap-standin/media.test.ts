/**
 * Observation media: multipart field mediaFile, JPEG/PNG/GIF only (by content), at most
 * 10,000,000 bytes, stored under the observation uuid with the extension of the sent file name,
 * an ApiResponse as answer, updated_at untouched; an upload without a file deletes the current
 * media and answers 400.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  GIF,
  type LizmapStandin,
  OBSERVATIONS,
  SERIES,
  type StandinClient,
  jpeg,
  png,
  startLizmapStandin,
} from '../../standins/lizmap/index.js';
import { available, expectError, expectSuccess, hikerPosition } from './support.js';

type Obs = Record<string, unknown> & { uuid: string; media_url: string | null; updated_at: string };

const FORM_ERROR =
  'An error occured while initializing the form: media mime type must be jpg, jpeg, png or gif and the media size must be under 10Mo';
const UPLOADED = 'Observation media has been successfully uploaded';

describe.skipIf(!available)('Lizmap stand-in: observation media', () => {
  let lizmap: LizmapStandin;
  let writer: StandinClient;
  let john: StandinClient;
  const stored = (uuid: string) =>
    fs
      .readdirSync(path.join(lizmap.mediaRoot, 'gobsapi/observations'))
      .filter((f) => f.startsWith(uuid))
      .sort();
  const create = async () => (await writer.createObservation(3, hikerPosition())).body as Obs;

  beforeAll(async () => {
    lizmap = await startLizmapStandin({ ticking: false });
  });
  beforeEach(async () => {
    writer = await lizmap.asUser('writer');
    john = await lizmap.asUser('otherWriter');
  });
  afterAll(() => lizmap?.close());

  it('stores an image under the uuid, answers an ApiResponse, and leaves updated_at alone', async () => {
    const o = await create();
    lizmap.clock.advance(30);
    const res = await writer.uploadMedia(SERIES.hikers, o.uuid, jpeg(), 'IMG_0042.JPG');
    expectSuccess(res, UPLOADED);
    expect(stored(o.uuid)).toEqual([`${o.uuid}.jpg`]);

    const url = `${lizmap.baseUrl}/project/test_project_a/series/3/observation/${o.uuid}/media`;
    const detail = (await writer.getObservation(SERIES.hikers, o.uuid)).body as Obs;
    expect(detail.media_url).toBe(url);
    expect(detail.updated_at).toBe(o.updated_at);
    const listed = ((await writer.observations(SERIES.hikers)).body as Obs[]).find((x) => x.uuid === o.uuid)!;
    expect(listed.media_url).toBe(url);
    // Not a change for the sync window
    const since = String(o.updated_at);
    const changed = (await writer.observations(SERIES.hikers, { lastSyncDate: since })).body as Obs[];
    expect(changed.map((x) => x.uuid)).not.toContain(o.uuid);

    const file = await writer.media(SERIES.hikers, o.uuid);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('image/jpeg');
    expect(file.headers.get('content-disposition')).toBe(`attachment; filename="${o.uuid}"`);
    expect(Buffer.compare(file.body, jpeg())).toBe(0);
    // Anyone who may read the observation may read its media
    expect((await john.media(SERIES.hikers, o.uuid)).status).toBe(200);
  });

  it('takes the extension from the file name, the type from the content; a new upload replaces the old', async () => {
    const o = await create();
    const picture = png(20, 10);
    expectSuccess(await writer.uploadMedia(SERIES.hikers, o.uuid, picture, 'holiday.jpeg'), UPLOADED);
    expect(stored(o.uuid)).toEqual([`${o.uuid}.jpeg`]);
    const file = await writer.media(SERIES.hikers, o.uuid);
    expect(file.headers.get('content-type')).toBe('image/png');
    expect(Buffer.compare(file.body, picture)).toBe(0);

    expectSuccess(await writer.uploadMedia(SERIES.hikers, o.uuid, GIF, 'anim.gif'), UPLOADED);
    expect(stored(o.uuid)).toEqual([`${o.uuid}.gif`]);
    expect((await writer.media(SERIES.hikers, o.uuid)).headers.get('content-type')).toBe('image/gif');
  });

  it('refuses what is not a JPEG, PNG or GIF by content, whatever its name, and keeps the current media', async () => {
    const o = await create();
    expectSuccess(await writer.uploadMedia(SERIES.hikers, o.uuid, jpeg(), 'a.jpg'), UPLOADED);
    const webp = Buffer.concat([
      Buffer.from('RIFF'),
      Buffer.from([36, 0, 0, 0]),
      Buffer.from('WEBPVP8 '),
      Buffer.alloc(32),
    ]);
    for (const [bytes, name] of [
      [Buffer.from('just some text'), 'photo.jpg'],
      [webp, 'photo.webp'],
      [webp, 'photo.png'],
    ] as const) {
      expectError(await writer.uploadMedia(SERIES.hikers, o.uuid, bytes, name), 400, FORM_ERROR);
    }
    expect(stored(o.uuid)).toEqual([`${o.uuid}.jpg`]);
  });

  it('accepts up to 10,000,000 bytes and refuses one more', async () => {
    const o = await create();
    const header = png(2, 2);
    const exact = Buffer.concat([header, Buffer.alloc(10_000_000 - header.length)]);
    expectSuccess(await writer.uploadMedia(SERIES.hikers, o.uuid, exact, 'big.png'), UPLOADED);
    expect(fs.statSync(path.join(lizmap.mediaRoot, 'gobsapi/observations', `${o.uuid}.png`)).size).toBe(10_000_000);
    const over = Buffer.concat([exact, Buffer.alloc(1)]);
    expectError(await writer.uploadMedia(SERIES.hikers, o.uuid, over, 'bigger.png'), 400, FORM_ERROR);
    expect(stored(o.uuid)).toEqual([`${o.uuid}.png`]);
  });

  it('deletes the current media when a form comes without a file, then answers 400', async () => {
    const o = await create();
    expectSuccess(await writer.uploadMedia(SERIES.hikers, o.uuid, jpeg(), 'a.jpg'), UPLOADED);
    expectError(
      await writer.uploadMedia(SERIES.hikers, o.uuid, null),
      400,
      'An error occured while saving the media file',
    );
    expect(stored(o.uuid)).toEqual([]);
    expectError(await writer.media(SERIES.hikers, o.uuid), 404, 'The observation media file does not exist');
    expect(((await writer.getObservation(SERIES.hikers, o.uuid)).body as Obs).media_url).toBeNull();
    // Not multipart at all: the same
    expectSuccess(await writer.uploadMedia(SERIES.hikers, o.uuid, jpeg(), 'a.jpg'), UPLOADED);
    const raw = await writer.request('POST', `/project/test_project_a/series/3/observation/${o.uuid}/uploadMedia`, {
      json: { mediaFile: 'a.jpg' },
    });
    expectError(raw, 400, 'An error occured while saving the media file');
    expect(stored(o.uuid)).toEqual([]);
  });

  it('deletes the media on request, and says so when there is none', async () => {
    const o = await create();
    expectSuccess(await writer.uploadMedia(SERIES.hikers, o.uuid, jpeg(), 'a.jpg'), UPLOADED);
    expectSuccess(
      await writer.deleteMedia(SERIES.hikers, o.uuid),
      'The observation media file has been successfully deleted',
    );
    expectSuccess(
      await writer.deleteMedia(SERIES.hikers, o.uuid),
      'No media file to delete has been found for this observation',
    );
    expect(stored(o.uuid)).toEqual([]);
  });

  it('lets only the author change the media (401), with no editing window', async () => {
    const o = await create();
    const denied = 'The authenticated user has not right to modify this observation';
    expectError(await john.uploadMedia(SERIES.hikers, o.uuid, jpeg(), 'a.jpg'), 401, denied);
    expectError(await john.deleteMedia(SERIES.hikers, o.uuid), 401, denied);
    // Al's 45-day-old point is past its 30-day window for edits, not for media
    expectSuccess(await writer.uploadMedia(SERIES.hikers, OBSERVATIONS.alOldHike(2), jpeg(), 'late.jpg'), UPLOADED);
    expectError(
      await writer.uploadMedia(SERIES.hikers, '0b1ac1b2-3d4e-4f5a-8b6c-7d8e9fa0b1c2', jpeg(), 'a.jpg'),
      404,
      'The observation does not exists',
    );
  });

  it('writes the media URL with the series asked, in lists showing other series of the indicator', async () => {
    const uuid = OBSERVATIONS.manualPluviometry(2, 1);
    expectSuccess(await writer.uploadMedia(SERIES.manualPluviometry, uuid, jpeg(), 'gauge.jpg'), UPLOADED);
    const inSeries1 = ((await writer.observations(SERIES.pluviometry)).body as Obs[]).find((o) => o.uuid === uuid)!;
    expect(inSeries1['series']).toBe(SERIES.manualPluviometry);
    expect(inSeries1.media_url).toBe(`${lizmap.baseUrl}/project/test_project_a/series/1/observation/${uuid}/media`);
  });

  it('removes the media with its observation', async () => {
    const o = await create();
    expectSuccess(await writer.uploadMedia(SERIES.hikers, o.uuid, jpeg(), 'a.jpg'), UPLOADED);
    expect((await writer.deleteObservation(SERIES.hikers, o.uuid)).status).toBe(200);
    expect(stored(o.uuid)).toEqual([]);
  });
});
