import { randomBytes } from 'node:crypto';
import { type Db } from './db/types.js';

/** The token-signing key, created once per database so every instance of a deployment shares it. */
export async function loadSecret(db: Db): Promise<string> {
  await db.query('INSERT INTO server_secret (id, secret) VALUES (1, $1) ON CONFLICT (id) DO NOTHING', [
    randomBytes(32).toString('base64url'),
  ]);
  const rows = await db.query<{ secret: string }>('SELECT secret FROM server_secret WHERE id = 1');
  return rows[0]!.secret;
}
