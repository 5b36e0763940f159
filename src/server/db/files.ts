/**
 * Media and document bytes, stored in the database: every server instance on one PostgreSQL (and
 * the CLI, wherever it runs) sees the same files, they are backed up with the data, and a file
 * exists exactly when its row does. Files are written once under a server-generated name, in
 * chunks of 1 MiB so that neither side ever holds one huge value, and read back as a stream.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { type Db, type Queryable } from './types.js';

export const CHUNK_BYTES = 1024 * 1024;

/** Stores a file under `name` in one transaction; storing a name that exists is a no-op (idempotent). */
export async function putFile(db: Db, name: string, mimeType: string, bytes: Uint8Array): Promise<void> {
  await db.tx(async (q) => {
    const created = await q.query(
      `INSERT INTO stored_file (name, mime_type, size) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING RETURNING 1`,
      [name, mimeType, bytes.length],
    );
    if (created.length === 0) return;
    for (let seq = 0; seq * CHUNK_BYTES < bytes.length || seq === 0; seq++) {
      const chunk = bytes.subarray(seq * CHUNK_BYTES, (seq + 1) * CHUNK_BYTES);
      await q.query('INSERT INTO stored_file_chunk (name, seq, bytes) VALUES ($1, $2, $3)', [name, seq, chunk]);
      if (chunk.length < CHUNK_BYTES) break;
    }
  });
}

export async function deleteFile(q: Queryable, name: string | null): Promise<void> {
  if (name) await q.query('DELETE FROM stored_file WHERE name = $1', [name]);
}

export interface StoredFile {
  mimeType: string;
  size: number;
  /** The bytes, read chunk by chunk as the reader asks for them. */
  stream(): Readable;
}

export async function findFile(db: Queryable, name: string): Promise<StoredFile | null> {
  const [f] = await db.query<{ mime_type: string; size: number; chunks: number }>(
    `SELECT f.mime_type, f.size, (SELECT count(*) FROM stored_file_chunk c WHERE c.name = f.name)::int8 AS chunks
       FROM stored_file f WHERE f.name = $1`,
    [name],
  );
  if (!f) return null;
  return {
    mimeType: f.mime_type,
    size: f.size,
    stream() {
      let seq = 0;
      return new Readable({
        async read() {
          try {
            if (seq >= f.chunks) return void this.push(null);
            const [c] = await db.query<{ bytes: Uint8Array }>(
              'SELECT bytes FROM stored_file_chunk WHERE name = $1 AND seq = $2',
              [name, seq++],
            );
            if (!c) throw new Error(`chunk ${seq - 1} of stored file ${name} is missing`);
            this.push(Buffer.from(c.bytes.buffer, c.bytes.byteOffset, c.bytes.byteLength));
          } catch (err) {
            this.destroy(err as Error);
          }
        },
      });
    },
  };
}

export async function readFileBytes(db: Queryable, name: string): Promise<Buffer | null> {
  const f = await findFile(db, name);
  if (!f) return null;
  const parts: Buffer[] = [];
  for await (const c of f.stream()) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

const IMAGE_TYPES: Record<string, string> = {
  '.jpg': 'image/jpeg',
  '.png': 'image/png',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
};

/**
 * Copies into the database the files that older versions kept in a media folder
 * (`observations/<name>`, `documents/<name>`), for every reference that has no stored bytes yet.
 * Idempotent and safe on several instances at once; files are left in place (the folder is no
 * longer used afterwards). Returns what was copied and what is referenced but found nowhere.
 */
export async function importFolderFiles(db: Db, mediaDir: string): Promise<{ imported: number; missing: string[] }> {
  const wanted = await db.query<{ name: string; folder: string; mime_type: string | null }>(
    `SELECT o.media_file AS name, 'observations' AS folder, NULL AS mime_type FROM observation o
      WHERE o.media_file IS NOT NULL AND NOT EXISTS (SELECT 1 FROM stored_file f WHERE f.name = o.media_file)
     UNION
     SELECT d.file_name, 'documents', d.mime_type FROM document d
      WHERE NOT EXISTS (SELECT 1 FROM stored_file f WHERE f.name = d.file_name)`,
  );
  let imported = 0;
  const missing: string[] = [];
  for (const w of wanted) {
    const file = path.join(mediaDir, w.folder, path.basename(w.name));
    if (!fs.existsSync(file)) {
      missing.push(`${w.folder}/${w.name}`);
      continue;
    }
    const mime = w.mime_type ?? IMAGE_TYPES[path.extname(w.name).toLowerCase()] ?? 'application/octet-stream';
    await putFile(db, w.name, mime, fs.readFileSync(file));
    imported++;
  }
  return { imported, missing };
}
