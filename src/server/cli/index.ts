/**
 * Admin CLI of the sync server: `npm run server -- <command>` (see `help`).
 * Every command takes the storage options --data-dir DIR | --database-url URL (or DATABASE_URL).
 */
import { parseArgs } from 'node:util';
import { runCommand, UsageError, USAGE } from './commands.js';

const argv = process.argv.slice(2);

// A reader that goes away (`export … | head`) closes the pipe: say so instead of a stack trace.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  process.stderr.write(`error: standard output closed early (${err.code ?? err.message}); the output is incomplete\n`);
  process.exit(1);
});

/** Resolves once everything written so far has been handed to the OS (pipes are asynchronous). */
function flushed(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => stream.write('', () => resolve()));
}

async function main(): Promise<number> {
  try {
    return await runCommand(argv, {
      stdout: (s) => process.stdout.write(s + '\n'),
      stderr: (s) => process.stderr.write(s + '\n'),
      output: process.stdout,
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
if (code !== -1) {
  // -1: a long-running command (serve) keeps the process alive. Otherwise exit only once the output
  // has drained: process.exit drops what a pipe has not taken yet.
  await flushed(process.stdout);
  await flushed(process.stderr);
  process.exit(code);
}
