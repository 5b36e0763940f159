/** Runs the server CLI in process, as a shell would: its output, its error text and its exit code. */
import { PassThrough, Readable } from 'node:stream';
import { runCommand } from '../../src/server/cli/commands.js';

export async function runCli(args: string[], stdin = ''): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  let code: number;
  try {
    code = await runCommand(args, {
      stdout: (s) => out.push(s),
      stderr: (s) => err.push(s),
      output: new PassThrough(),
      env: {},
      stdin: Readable.from([stdin]),
    });
  } catch (e) {
    err.push((e as Error).message);
    // as src/server/cli/index.ts exits: 2 for a usage error, 1 for any other
    code = (e as Error).constructor.name === 'UsageError' ? 2 : 1;
  }
  return { code, out: out.join('\n'), err: err.join('\n') };
}
