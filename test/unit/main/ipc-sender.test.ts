import { describe, expect, it } from 'vitest';
import { isAppUrl, isTrustedSender } from '../../../src/main/ipc/sender';

const APP = 'app://gobs/index.html';

describe('isAppUrl', () => {
  it('accepts the built page, with or without a hash route or query', () => {
    expect(isAppUrl(APP, APP)).toBe(true);
    expect(isAppUrl(`${APP}#/projects/p1`, APP)).toBe(true);
    expect(isAppUrl(`${APP}?x=1`, APP)).toBe(true);
  });

  it('refuses any other page, origin or scheme, local files, web pages and garbage', () => {
    expect(isAppUrl('app://gobs/index.html.evil', APP)).toBe(false);
    expect(isAppUrl('app://gobs/assets/evil.html', APP)).toBe(false);
    expect(isAppUrl('app://evil/index.html', APP)).toBe(false);
    expect(isAppUrl('app://user:pw@gobs/index.html', APP)).toBe(false);
    // Both have the opaque origin "null": an origin comparison would have accepted it.
    expect(isAppUrl('evil://gobs/index.html', APP)).toBe(false);
    expect(isAppUrl('file:///opt/G-Obs/resources/app.asar/out/renderer/index.html', APP)).toBe(false);
    expect(isAppUrl('https://example.org/', APP)).toBe(false);
    expect(isAppUrl('not a url', APP)).toBe(false);
    expect(isAppUrl('not a url', 'http://localhost:5173/')).toBe(false);
  });

  it('in development, accepts the dev server origin only', () => {
    const dev = 'http://localhost:5173/';
    expect(isAppUrl('http://localhost:5173/#/settings', dev)).toBe(true);
    expect(isAppUrl('http://localhost:5174/', dev)).toBe(false);
    expect(isAppUrl('http://127.0.0.1:5173/', dev)).toBe(false);
  });
});

describe('isTrustedSender', () => {
  const mainFrame = { url: APP };
  const contents = { mainFrame };

  it('trusts the main frame of the app window on the app page', () => {
    expect(isTrustedSender({ sender: contents, senderFrame: mainFrame }, contents, APP)).toBe(true);
  });

  it('refuses another window, a sub-frame, a destroyed frame and a navigated-away page', () => {
    const other = { mainFrame: { url: APP } };
    expect(isTrustedSender({ sender: other, senderFrame: other.mainFrame }, contents, APP)).toBe(false);
    expect(isTrustedSender({ sender: contents, senderFrame: { url: APP } }, contents, APP)).toBe(false);
    expect(isTrustedSender({ sender: contents, senderFrame: null }, contents, APP)).toBe(false);
    const navigated = { mainFrame: { url: 'https://example.org/' } };
    expect(isTrustedSender({ sender: navigated, senderFrame: navigated.mainFrame }, navigated, APP)).toBe(false);
  });

  it('refuses everything before the window exists', () => {
    expect(isTrustedSender({ sender: contents, senderFrame: mainFrame }, null, APP)).toBe(false);
  });
});
