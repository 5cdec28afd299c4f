#!/usr/bin/env node
/** argv -> create | update; exit codes and the one-line error, nothing else. */
import { CliError } from './errors.js';
import { create } from './create.js';
import { helpText, parseArgs } from './options/flags.js';
import { mark, reportTimings } from './timing.js';
import { VERSION } from './version.js';

async function main(argv: string[]): Promise<number> {
  mark('load');
  const args = parseArgs(argv);
  if (args.run.help) {
    process.stdout.write(helpText(VERSION));
    return 0;
  }
  if (args.run.version) {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const io = {
    out: (line: string) => process.stdout.write(line + '\n'),
    interactive: Boolean(process.stdin.isTTY) && !args.run.yes,
    cwd: process.cwd(),
    // Live progress of verification: redrawn in place in a terminal, plain lines every 10 s otherwise.
    progress: {
      tty: Boolean(process.stdout.isTTY) && process.env.TERM !== 'dumb',
      write: (text: string) => process.stdout.write(text),
      columns: process.stdout.columns || Number(process.env.COLUMNS) || 80,
    },
  };
  if (args.positionals[0] === 'update') {
    const { update } = await import('./update/index.js');
    await update(args, io);
  } else if (args.positionals[0] === 'add') {
    const { add } = await import('./add/index.js');
    await add(args, io);
  } else {
    await create(args, io);
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    reportTimings();
    process.exit(code);
  },
  (err: unknown) => {
    if (err instanceof CliError) {
      process.stderr.write(`create-gin-app: ${err.message}\n`);
      if (err.details) process.stderr.write(`\n${err.details}\n`);
      process.exit(err.exitCode);
    }
    // Ctrl-C inside a prompt.
    if (err instanceof Error && err.name === 'ExitPromptError') {
      process.stderr.write('create-gin-app: cancelled, nothing was written\n');
      process.exit(130);
    }
    process.stderr.write(`create-gin-app: unexpected error: ${err instanceof Error ? err.message : String(err)}\n`);
    if (err instanceof Error && err.stack) process.stderr.write(`\n${err.stack}\n`);
    process.exit(1);
  },
);
