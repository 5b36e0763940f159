import { safeStorage } from 'electron';
import type { SecretStore } from '../platform/options';

/**
 * safeStorage when the OS offers a real secret store. On Linux without a keyring Electron
 * falls back to a hard-coded key ('basic_text'), which is no protection: treat it as absent,
 * so the session stays in memory only and the UI says so.
 */
export function createSecretStore(): SecretStore | null {
  if (!safeStorage.isEncryptionAvailable()) return null;
  if (process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text') return null;
  return {
    encrypt: (plain) => safeStorage.encryptString(plain),
    decrypt: (data) => safeStorage.decryptString(data),
  };
}
