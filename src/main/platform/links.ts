/**
 * Which addresses the desktop trusts without asking. Plain http is fine on this computer
 * (loopback: the demo, a station's own server); elsewhere it exposes the password and the data on
 * the network, so the user is told and confirms once per server. Links leave the app for the
 * user's browser only over https, or to the connected server's own origin.
 */

/** 127.0.0.0/8, ::1 and localhost (with or without a trailing dot). */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** The origin of a plain-http address on another computer; null when https or loopback (nothing to confirm). */
export function insecureOrigin(url: string): string | null {
  let u: URL;
  try {
    u = new URL(url.trim());
  } catch {
    return null;
  }
  if (u.protocol !== 'http:' || isLoopbackHost(u.hostname)) return null;
  return u.origin;
}

export function externalLinkAllowed(url: string, serverUrl: string | null): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.username || u.password) return false;
  if (u.protocol === 'https:') return true;
  if (!serverUrl) return false;
  try {
    return u.protocol === 'http:' && u.origin === new URL(serverUrl).origin;
  } catch {
    return false;
  }
}
