/**
 * The app:// origin serves the built renderer folder and nothing else: traversal in every spelling
 * is refused, types come from a fixed table, and every response carries the CSP. The handler is
 * the one `protocol.handle('app', …)` runs, fed WHATWG Requests as Electron does.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  APP_ENTRY_URL,
  CONTENT_SECURITY_POLICY,
  handleAppRequest,
  resolveAppRequest,
} from '../../../src/main/platform/appProtocol';
import { isAppUrl } from '../../../src/main/ipc/sender';

let base: string;
let root: string;

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'gobs-approot-'));
  root = join(base, 'renderer');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><script type="module" src="/assets/index.js"></script>');
  writeFileSync(join(root, 'assets', 'index.js'), 'console.log("app")');
  writeFileSync(join(root, 'assets', 'index.css'), 'body{}');
  writeFileSync(join(root, 'assets', 'logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(join(root, 'assets', 'notes.md'), 'not a type the build produces');
  writeFileSync(join(base, 'secret.txt'), 'TOP SECRET CONTENT');
  // A sibling whose name starts like the root: a prefix check would let it through.
  mkdirSync(join(base, 'renderer-evil'));
  writeFileSync(join(base, 'renderer-evil', 'index.html'), 'evil');
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

const get = (url: string, method = 'GET') => handleAppRequest(new Request(url, { method }), root);

describe('the app:// handler', () => {
  it('serves the entry page and assets with their types and the CSP on every response', async () => {
    for (const [url, type, body] of [
      [APP_ENTRY_URL, 'text/html; charset=utf-8', '<!doctype html>'],
      ['app://gobs/', 'text/html; charset=utf-8', '<!doctype html>'],
      ['app://gobs/assets/index.js?v=1#x', 'text/javascript; charset=utf-8', 'console.log'],
      ['app://gobs/assets/index.css', 'text/css; charset=utf-8', 'body{}'],
      ['app://gobs/assets/logo.svg', 'image/svg+xml', '<svg'],
      ['app://gobs/assets/%69ndex.js', 'text/javascript; charset=utf-8', 'console.log'],
    ] as const) {
      const res = await get(url);
      expect(res.status, url).toBe(200);
      expect(res.headers.get('content-type')).toBe(type);
      expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(await res.text()).toContain(body);
    }
    const head = await get(APP_ENTRY_URL, 'HEAD');
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('refuses every way out of the folder, other hosts, methods and unknown types, still with the CSP', async () => {
    for (const [url, status] of [
      ['app://gobs/../secret.txt', 404], // the URL parser drops the `..`: /secret.txt is simply not there
      ['app://gobs/assets/../../secret.txt', 404],
      ['app://gobs/%2e%2e/secret.txt', 404],
      ['app://gobs/..%2fsecret.txt', 403],
      ['app://gobs/..%2Fsecret.txt', 403],
      ['app://gobs/..%5csecret.txt', 403],
      ['app://gobs/assets/..%5c..%5csecret.txt', 403],
      ['app://gobs/index.html%00.js', 403],
      ['app://gobs/../renderer-evil/index.html', 404],
      ['app://gobs/%E0%A4%A', 400],
      ['app://evil/index.html', 403],
      ['app://gobs:8080/index.html', 403],
      ['app://gobs/assets/notes.md', 404],
      ['app://gobs/assets/missing.js', 404],
      ['app://gobs/assets', 404],
    ] as const) {
      const res = await get(url);
      expect(res.status, url).toBe(status);
      expect(res.headers.get('content-security-policy'), url).toBe(CONTENT_SECURITY_POLICY);
      expect(await res.text(), url).not.toMatch(/TOP SECRET|^evil$/);
    }
    expect((await get(APP_ENTRY_URL, 'POST')).status).toBe(405);
  });

  it('resolves paths as a plain function: only files under the root', () => {
    expect(resolveAppRequest('app://gobs/assets/index.js', root)).toEqual({
      status: 200,
      file: join(root, 'assets', 'index.js'),
      mimeType: 'text/javascript; charset=utf-8',
    });
    expect(resolveAppRequest('file:///etc/passwd', root).status).toBe(403);
    expect(resolveAppRequest('https://gobs/index.html', root).status).toBe(403);
    expect(resolveAppRequest('app://gobs/a/./b.js', root)).toMatchObject({ file: join(root, 'a', 'b.js') });
    expect(resolveAppRequest('not a url', root).status).toBe(400);
    expect(resolveAppRequest('app://user:pw@gobs/index.html', root).status).toBe(403);
  });

  it('does not follow a link out of the folder', async () => {
    symlinkSync(join(base, 'secret.txt'), join(root, 'assets', 'link.txt'));
    const res = await get('app://gobs/assets/link.txt');
    expect(res.status).toBe(403);
    expect(await res.text()).not.toContain('TOP SECRET');
  });

  it('is the page the IPC sender check and the navigation rules accept', () => {
    expect(isAppUrl(`${APP_ENTRY_URL}#/projects`, APP_ENTRY_URL)).toBe(true);
    expect(isAppUrl('app://gobs/assets/index.js', APP_ENTRY_URL)).toBe(false);
  });
});
