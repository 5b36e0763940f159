/**
 * Admin CLI of the sync server: `npm run server -- <command>` (see `help`).
 * Every command takes the storage options --data-dir DIR | --database-url URL (or DATABASE_URL).
 */
import { parseArgs } from 'node:util';
import { runCommand, UsageError, USAGE } from './commands.js';

const argv = process.argv.slice(2);

async function main(): Promise<number> {
  try {
    return await runCommand(argv, {
      stdout: (s) => process.stdout.write(s + '\n'),
      stderr: (s) => process.stderr.write(s + '\n'),
      env: process.env,
      stdin: process.stdin,
    });
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`error: ${err.message}\n\n${USAGE}\n`);
      return 2;
    }
    process.stderr.write(`error: ${(err as Error).message}\n`);
    return 1;
  }
}

void parseArgs; // keeps the import list honest for readers: parsing lives in commands.ts
const code = await main();
if (code !== -1) process.exit(code); // -1: a long-running command (serve) keeps the process alive
