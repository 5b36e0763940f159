import { describe, expect, it } from 'vitest';
import { externalLinkAllowed, insecureOrigin, isLoopbackHost } from '../../../src/main/platform/links';

describe('which addresses are trusted without asking', () => {
  it('knows loopback in every spelling, and nothing else', () => {
    for (const h of ['localhost', 'LOCALHOST', 'localhost.', 'app.localhost', '127.0.0.1', '127.4.5.6', '::1', '[::1]'])
      expect(isLoopbackHost(h), h).toBe(true);
    for (const h of ['0.0.0.0', '10.0.0.1', '192.168.1.2', 'example.org', 'localhost.example.org', '128.0.0.1', '::2'])
      expect(isLoopbackHost(h), h).toBe(false);
  });

  it('asks about plain http to another computer only', () => {
    expect(insecureOrigin('http://gobs.example.org/api')).toBe('http://gobs.example.org');
    expect(insecureOrigin('http://10.1.2.3:8765/api')).toBe('http://10.1.2.3:8765');
    expect(insecureOrigin('https://gobs.example.org/api')).toBeNull();
    expect(insecureOrigin('http://127.0.0.1:8765/api')).toBeNull();
    expect(insecureOrigin('http://localhost/api')).toBeNull();
    expect(insecureOrigin('not a url')).toBeNull();
  });

  it('opens links in the browser over https, or to the connected server itself', () => {
    const server = 'http://10.1.2.3:8765/api';
    expect(externalLinkAllowed('https://3liz.github.io/', server)).toBe(true);
    expect(externalLinkAllowed('http://10.1.2.3:8765/help', server)).toBe(true);
    expect(externalLinkAllowed('http://evil.example/', server)).toBe(false);
    expect(externalLinkAllowed('http://10.1.2.3:9999/', server)).toBe(false);
    expect(externalLinkAllowed('http://10.1.2.3:8765/', null)).toBe(false);
    for (const url of [
      'file:///etc/passwd',
      'javascript:alert(1)',
      'smb://host/share',
      'ms-msdt:/id',
      'x',
      'https://u:p@host/',
    ])
      expect(externalLinkAllowed(url, server), url).toBe(false);
  });
});
