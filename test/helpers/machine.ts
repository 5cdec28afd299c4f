/** What a test says when this machine lacks something that scripts/prepare-machine.sh provides. */

/** The one line: what is missing and the command that installs or starts it. */
export function notPrepared(what: string): string {
  return `${what}: run \`bash scripts/prepare-machine.sh\` as root (the README's test line runs it)`;
}
