/**
 * The app:// origin serves the built renderer folder and nothing else: traversal in every spelling
 * is refused, types come from a fixed table, and every response carries the CSP. The handler is
 * the one `protocol.handle('app', …)` runs, fed WHATWG Requests as Electron does.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  APP_ENTRY_URL,
  CONTENT_SECURITY_POLICY,
  contentSecurityPolicy,
  handleAppRequest,
  resolveAppRequest,
} from '../../../src/main/platform/appProtocol';
import { isAppUrl } from '../../../src/main/ipc/sender';
import { BASEMAP } from '../../../src/shared/basemap';

const ROOT_DIR = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');

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

describe('the Content-Security-Policy and the online basemap', () => {
  const directive = (csp: string, name: string) =>
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .find(([n]) => n === name)
      ?.slice(1) ?? [];

  it('allows the basemap origin only when the basemap is enabled', () => {
    for (const name of ['img-src', 'connect-src']) {
      expect(directive(contentSecurityPolicy(), name)).not.toContain(BASEMAP.origin);
      expect(directive(contentSecurityPolicy({ basemap: false }), name)).not.toContain(BASEMAP.origin);
      expect(directive(contentSecurityPolicy({ basemap: true }), name)).toContain(BASEMAP.origin);
    }
    expect(contentSecurityPolicy()).toBe(CONTENT_SECURITY_POLICY);
    // Nothing else widens: scripts and workers stay the app's own.
    expect(directive(contentSecurityPolicy({ basemap: true }), 'script-src')).toEqual(["'self'"]);
    expect(directive(contentSecurityPolicy({ basemap: true }), 'worker-src')).toEqual(["'self'"]);
  });

  it('serves pages with the policy of the moment', async () => {
    let basemap = false;
    const csp = () => contentSecurityPolicy({ basemap });
    const first = await handleAppRequest(new Request('app://gobs/index.html'), root, csp);
    expect(first.headers.get('content-security-policy')).not.toContain(BASEMAP.origin);
    basemap = true;
    const second = await handleAppRequest(new Request('app://gobs/index.html'), root, csp);
    expect(second.headers.get('content-security-policy')).toContain(BASEMAP.origin);
  });

  it("the page's meta tag never allows more than the header with the basemap on", () => {
    const html = readFileSync(join(ROOT_DIR, 'src/renderer/index.html'), 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
    expect(meta).toBeDefined();
    const header = contentSecurityPolicy({ basemap: true });
    for (const d of meta!.split(';').map((x) => x.trim().split(/\s+/)[0]!)) {
      expect(directive(header, d), d).toEqual(directive(meta!, d));
    }
  });
});
