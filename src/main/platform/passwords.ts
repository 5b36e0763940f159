/**
 * Passwords the user asked the app to remember, to log in again by itself when a server ends the
 * session (a Lizmap token lives one hour). Encrypted by the OS secret store (SecretStore: Electron's
 * safeStorage, whose key the OS keychain holds) in a file of their own under `<dataDir>/secrets/`,
 * never in an account's SQLite store nor in the settings. Without a real OS secret store nothing is
 * remembered.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SecretStore } from './options';

export class PasswordVault {
  private readonly dir: string;

  constructor(
    dataDir: string,
    private readonly secrets: SecretStore | null,
  ) {
    this.dir = join(dataDir, 'secrets');
  }

  /** Whether passwords can be remembered on this computer. */
  get available(): boolean {
    return this.secrets !== null;
  }

  private file(account: string): string {
    if (!/^[0-9a-f]{8,64}$/.test(account)) throw new Error('An account key names a remembered password.');
    return join(this.dir, `${account}.password`);
  }

  save(account: string, password: string): void {
    if (!this.secrets) return;
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const target = this.file(account);
    writeFileSync(`${target}.part`, this.secrets.encrypt(password), { mode: 0o600 });
    renameSync(`${target}.part`, target);
    chmodSync(target, 0o600);
  }

  /** The remembered password; null when there is none or the OS key changed (it is then forgotten). */
  load(account: string): string | null {
    if (!this.secrets) return null;
    const file = this.file(account);
    if (!existsSync(file)) return null;
    try {
      return this.secrets.decrypt(readFileSync(file));
    } catch {
      this.forget(account);
      return null;
    }
  }

  has(account: string): boolean {
    return this.secrets !== null && existsSync(this.file(account));
  }

  forget(account: string): void {
    rmSync(this.file(account), { force: true });
  }
}
