import { type Db } from '../db/types.js';
import { createProject, createUser, grantRole } from './seed.js';

export const DEMO_PROJECTS = [
  { key: 'environment~water', label: 'Water quality', description: 'Rivers and lakes of the Loire basin: temperature, rainfall and chemistry.' },
  { key: 'environment~air', label: 'Air and weather', description: 'Weather stations and air quality sensors of the region.' },
];

/** Creates the demo data set; returns false when it is already present (the command is idempotent). */
export async function seedDemo(db: Db, _mediaDir: string): Promise<boolean> {
  const existing = await db.query("SELECT 1 FROM app_user WHERE login = 'demo'");
  if (existing.length > 0) return false;
  await createUser(db, 'demo', 'demo');
  await createUser(db, 'analyst', 'analyst');
  for (const p of DEMO_PROJECTS) {
    await createProject(db, p);
    await grantRole(db, 'demo', p.key, 'writer');
    await grantRole(db, 'analyst', p.key, 'reader');
  }
  return true;
}
