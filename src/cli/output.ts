/** Writing results: human text by default, one JSON document with --json (for scripts). */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function printLines(lines: string[]): void {
  process.stdout.write(lines.map((line) => `${line}\n`).join(''));
}

const useColor = process.stdout.isTTY && !process.env.NO_COLOR;

export const mark = {
  ok: useColor ? '\u001b[32m✓\u001b[0m' : '✓',
  fail: useColor ? '\u001b[31m✗\u001b[0m' : '✗',
};
