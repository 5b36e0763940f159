/**
 * Nothing a server sends as a document can run on the desktop: documents added with the CLI's
 * `document add` code, served by the real server and fetched by the real main core are opened by
 * the OS only when their bytes (and declared type) are on the viewer allow-list; labels and URLs
 * never decide. Everything else can only be saved through the save dialog.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { accountDir } from '../../../src/main/store/account';
import { createTestDesktop, type TestDesktop } from '../../helpers/desktop';
import { startTestServer, type TestServer } from '../../helpers/server';
import { apk, docx, elf, exe, jar, lnk, odt, SAFE, SCRIPTS, xlsx, zippedApp } from '../../helpers/documents';
import { rejection, syncOk } from './support';

let srv: TestServer;
let files: string;
const desktops: TestDesktop[] = [];

/** Extensions the OS would run, or hand to an interpreter or a browser. */
const DANGEROUS_EXT =
  /\.(exe|bat|cmd|com|scr|msi|ps1|vbs|js|jse|wsf|hta|sh|desktop|lnk|app|jar|apk|html?|svg|xml|download)$/i;

async function device(): Promise<TestDesktop> {
  const d = await createTestDesktop();
  desktops.push(d);
  await d.gobs.auth.login({ serverUrl: srv.baseUrl, username: 'writer', password: 'writer' });
  return d;
}

/** `document add` as the CLI does it: the file is named like its label, as an admin would have it. */
async function addDocument(label: string, content: Buffer | string): Promise<string> {
  const file = join(files, `${Math.random().toString(36).slice(2)}-${label.replace(/[/\\]/g, '_')}`);
  writeFileSync(file, content);
  return (await srv.seed.document({ indicator: 'pluviometry', file, label, type: 'document' })).uuid;
}

beforeAll(async () => {
  srv = await startTestServer();
  await srv.seed.basic();
  files = mkdtempSync(join(tmpdir(), 'gobs-docs-'));
});
afterAll(async () => {
  await srv?.close();
  rmSync(files, { recursive: true, force: true });
});
afterEach(async () => {
  for (const d of desktops.splice(0)) await d.close(true);
  await srv.db.query('DELETE FROM document');
});

// Each dangerous label with the content such a file really has.
const DANGEROUS: [string, Buffer | string][] = [
  ['Field report.exe', exe()],
  ['cleanup.bat', SCRIPTS.bat],
  ['setup.cmd', SCRIPTS.cmd],
  ['install.sh', SCRIPTS.sh],
  ['report.desktop', SCRIPTS.desktop],
  ['Report.pdf.lnk', lnk()],
  ['Report.app', zippedApp()],
  ['viewer.jar', jar()],
  ['gauges.apk', apk()],
  ['gauge-daemon', elf()],
  ['index.html', SCRIPTS.html],
  ['map.svg', SCRIPTS.svg],
];

describe('documents the OS may not open', () => {
  it('are save-only whatever their label, never reach openPath, and save through the dialog intact', async () => {
    const uuids = new Map<string, string>();
    for (const [label, content] of DANGEROUS) uuids.set(label, await addDocument(label, content));
    const a = await device();
    const status = await syncOk(a);
    expect(status.problems).toEqual([]);

    const docs = await a.gobs.documents.list({ indicatorCode: 'pluviometry' });
    expect(docs).toHaveLength(DANGEROUS.length);
    for (const d of docs) {
      expect(d.cached, d.label).toBe(true);
      expect(d.handling, d.label).toMatchObject({ action: 'save', typeMismatch: false });
    }

    // What sync left in the cache: nothing with an extension any OS would run or render.
    const cacheDir = join(accountDir(a.dataDir, { serverUrl: srv.baseUrl, username: 'writer' }), 'documents');
    const cached = readdirSync(cacheDir);
    expect(cached).toHaveLength(DANGEROUS.length);
    for (const name of cached) expect(name).toMatch(/^[0-9a-f-]{36}\.download$/);

    for (const [label, content] of DANGEROUS) {
      const uuid = uuids.get(label)!;
      const refused = await rejection(a.gobs.documents.open({ uuid }));
      expect(refused, label).toMatchObject({ code: 'forbidden' });
      expect(refused.message).toContain(label);

      const { savedTo } = await a.gobs.documents.save({ uuid });
      expect(savedTo).not.toBeNull();
      // The user saves knowingly: the dialog offers the label, and the copy is byte for byte the server's.
      expect(a.saved.at(-1)!.defaultName).toBe(label);
      expect(readFileSync(savedTo!)).toEqual(Buffer.from(content));
    }
    expect(a.openedPaths).toEqual([]);
  });

  it('decides from the bytes, not the label: a program labelled as a PDF is save-only', async () => {
    const uuid = await addDocument('Field guide.pdf', exe());
    const a = await device();
    await syncOk(a);
    const [doc] = await a.gobs.documents.list({ indicatorCode: 'pluviometry' });
    expect(doc!.handling).toEqual({ action: 'save', kind: 'windows-program', typeMismatch: false });
    expect((await rejection(a.gobs.documents.open({ uuid }))).code).toBe('forbidden');
    expect(a.openedPaths).toEqual([]);
  });

  it('refuses a server whose declared type contradicts the content', async () => {
    const uuid = await addDocument('Field guide', SAFE.pdf());
    // A misconfigured or hostile server: PDF bytes served as a web page.
    await srv.db.query(`UPDATE document SET mime_type = 'text/html' WHERE uuid = $1`, [uuid]);
    const a = await device();
    await syncOk(a);
    const [doc] = await a.gobs.documents.list({ indicatorCode: 'pluviometry' });
    expect(doc!.handling).toEqual({ action: 'save', kind: 'pdf', typeMismatch: true });
    expect((await rejection(a.gobs.documents.open({ uuid }))).code).toBe('forbidden');
  });

  it('classifies a document fetched on demand before anything opens it', async () => {
    const uuid = await addDocument('launcher.desktop', SCRIPTS.desktop);
    // The file is missing on the server during the sync: listed, not downloaded.
    const [stored] = (await srv.files.names()).filter((f) => f.startsWith(uuid));
    const putBack = await srv.files.takeAway(stored!);
    const a = await device();
    const status = await a.gobs.sync.start({});
    expect(status.problems).toContainEqual({
      kind: 'download',
      what: 'document',
      name: 'launcher.desktop',
      error: expect.objectContaining({ code: 'not_found' }),
    });
    const [listed] = await a.gobs.documents.list({ indicatorCode: 'pluviometry' });
    expect(listed).toMatchObject({ cached: false, handling: null });
    await putBack();
    // The first open downloads it, classifies it, and refuses.
    expect((await rejection(a.gobs.documents.open({ uuid }))).code).toBe('forbidden');
    const [after] = await a.gobs.documents.list({ indicatorCode: 'pluviometry' });
    expect(after!.handling).toEqual({ action: 'save', kind: 'launcher', typeMismatch: false });
    expect(a.openedPaths).toEqual([]);
  });
});

describe('documents on the viewer allow-list', () => {
  it('open in the system viewer under the extension of what they are, whatever their label says', async () => {
    const cases: [label: string, content: Buffer | string, ext: string][] = [
      ['Field report.exe', SAFE.pdf(), '.pdf'],
      ['chart.svg', SAFE.png(), '.png'],
      ['install.sh', SAFE.text(), '.txt'],
      ['readings.csv', SAFE.csv(), '.csv'],
      // Plain text that is JavaScript: opened as text, in the text editor, never by a script host.
      ['payload.js', SCRIPTS.js, '.txt'],
      ['Protocol.jar', docx(), '.docx'],
      ['Sheet.bat', xlsx(), '.xlsx'],
      ['Notes', odt(), '.odt'],
    ];
    const uuids = new Map<string, string>();
    for (const [label, content] of cases) uuids.set(label, await addDocument(label, content));
    const a = await device();
    await syncOk(a);
    for (const [label, content, ext] of cases) {
      const doc = (await a.gobs.documents.list({ indicatorCode: 'pluviometry' })).find((d) => d.label === label)!;
      expect(doc.handling, label).toMatchObject({ action: 'open' });
      await a.gobs.documents.open({ uuid: uuids.get(label)! });
      const opened = a.openedPaths.at(-1)!;
      expect(extname(opened), label).toBe(ext);
      expect(opened).not.toMatch(DANGEROUS_EXT);
      expect(readFileSync(opened)).toEqual(Buffer.from(content));
    }
    // Saving a viewable document offers the label with the extension of what it is.
    await a.gobs.documents.save({ uuid: uuids.get('Field report.exe')! });
    expect(a.saved.at(-1)!.defaultName).toBe('Field report.pdf');
  });

  it('never opens a cached copy that changed on disk into something else', async () => {
    const uuid = await addDocument('Field guide', SAFE.pdf());
    const a = await device();
    await syncOk(a);
    const cacheDir = join(accountDir(a.dataDir, { serverUrl: srv.baseUrl, username: 'writer' }), 'documents');
    const [name] = readdirSync(cacheDir);
    expect(name).toBe(`${uuid}.pdf`);
    writeFileSync(join(cacheDir, name!), exe());
    await srv.stop();
    expect((await rejection(a.gobs.documents.open({ uuid }))).code).toBe('forbidden');
    expect(a.openedPaths).toEqual([]);
    await srv.restart();
  });

  it('downloads again a copy cached by an older version under the label extension, and removes it', async () => {
    const uuid = await addDocument('Field report.exe', exe());
    const a = await device();
    await syncOk(a);
    const dir = accountDir(a.dataDir, { serverUrl: srv.baseUrl, username: 'writer' });
    // What the previous version left: `<uuid>.exe` recorded as the cached copy, with no verdict.
    rmSync(join(dir, 'documents', `${uuid}.download`));
    writeFileSync(join(dir, 'documents', `${uuid}.exe`), exe());
    const db = new Database(join(dir, 'store.sqlite'));
    db.prepare(
      `UPDATE document SET cached_file = ?, cached_kind = NULL, cached_action = NULL, cached_type = NULL WHERE uuid = ?`,
    ).run(`${uuid}.exe`, uuid);
    db.close();
    const [before] = await a.gobs.documents.list({ indicatorCode: 'pluviometry' });
    expect(before).toMatchObject({ cached: false, handling: null });
    expect((await rejection(a.gobs.documents.open({ uuid }))).code).toBe('forbidden');
    expect(existsSync(join(dir, 'documents', `${uuid}.exe`))).toBe(false);
    expect(readdirSync(join(dir, 'documents'))).toEqual([`${uuid}.download`]);
    expect(a.openedPaths).toEqual([]);
  });
});
