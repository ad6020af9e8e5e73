/**
 * Finds literals that bypass the runtime contract (src/core/runtime-contract) in the code on either side
 * of it: environment variable names, data-bucket prefixes, tuning state names, stack output and service
 * names, and metrics emitted or watched without the catalogue. Reads the TypeScript syntax tree, so
 * comments (which name these things freely) never count.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import {
  DATA_BUCKET_PREFIXES,
  INGEST_SOURCE_SUFFIXES,
  RUNTIME_VARIABLES,
  SERVICES,
  TUNING_TASKS,
} from '../../src/core/runtime-contract/index.ts';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The two sides of the contract: the CDK app and the code it deploys. */
export const CONTRACT_SIDES = [
  'infra',
  'lambdas',
  'containers',
  'local-runner',
  'src/adapters/aws',
  'src/usecases',
];

/** Where the catalogue may be used raw: the one emitter and the one alarm-metric builder. */
const METRIC_EMITTER = 'src/adapters/aws/metrics.ts';
const METRIC_BUILDER = 'infra/metrics.ts';

export interface LiteralFinding {
  file: string;
  line: number;
  text: string;
  rule: string;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const ENV_NAME = new RegExp(
  `\\b(?:QUOTELAB_[A-Z0-9_]+|POWERTOOLS_[A-Z0-9_]+|${RUNTIME_VARIABLES.map((v) => escape(v.name)).join('|')})\\b`,
);
const PREFIX = new RegExp(
  `(?:^|/)(?:${Object.values(DATA_BUCKET_PREFIXES)
    .map((p) => escape(p))
    .join('|')})`,
);
const TASK_NAMES = new Set<string>(Object.values(TUNING_TASKS));
const OUTPUT_NAMES = new Set<string>(RUNTIME_VARIABLES.flatMap((v) => (v.output ? [v.output.name] : [])));
const SERVICE_NAMES = new Set<string>(Object.values(SERVICES));

/** Findings in one file's source text; `file` is its path relative to the repository root. */
export function findContractLiterals(file: string, source: string): LiteralFinding[] {
  const sourceFile = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const findings: LiteralFinding[] = [];
  const infra = file.startsWith('infra/');
  const report = (node: ts.Node, rule: string) =>
    findings.push({
      file,
      line: sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile)).line + 1,
      text: node.getText(sourceFile),
      rule,
    });

  const visit = (node: ts.Node) => {
    if (isModuleSpecifier(node)) return;
    const text =
      ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateLiteralToken(node)
        ? node.text
        : ts.isIdentifier(node) || ts.isPrivateIdentifier(node)
          ? node.text
          : undefined;
    if (text !== undefined) {
      if (ENV_NAME.test(text)) report(node, 'environment variable name: use the runtime contract (env.ts)');
      if (!ts.isIdentifier(node)) {
        if (PREFIX.test(text)) report(node, 'data bucket prefix: use DATA_BUCKET_PREFIXES (prefixes.ts)');
        if (TASK_NAMES.has(text)) report(node, 'tuning state name: use TUNING_TASKS (workflow.ts)');
        if (infra && OUTPUT_NAMES.has(text))
          report(node, 'stack output read through a variable: use its `output` in the contract (env.ts)');
        if (infra && SERVICE_NAMES.has(text)) report(node, 'service name: use SERVICES (metrics.ts)');
        if (infra && (INGEST_SOURCE_SUFFIXES as readonly string[]).includes(text))
          report(node, 'ingest trigger suffix: use INGEST_SOURCE_SUFFIXES (prefixes.ts)');
      }
    }
    if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      node.expression.name.text === 'addMetric' &&
      file !== METRIC_EMITTER
    )
      report(
        node.expression,
        'metric emitted outside the catalogue: use emitMetric (src/adapters/aws/metrics.ts)',
      );
    if (
      ts.isNewExpression(node) &&
      /(?:^|\.)Metric$/.test(node.expression.getText(sourceFile)) &&
      file !== METRIC_BUILDER
    )
      report(node.expression, 'custom metric outside the catalogue: use catalogueMetric (infra/metrics.ts)');
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return findings;
}

/** `'…'` in `import … from '…'`, `export … from '…'` and `import('…')`: file paths, not data. */
function isModuleSpecifier(node: ts.Node): boolean {
  const parent = node.parent;
  if (!ts.isStringLiteral(node) || parent === undefined) return false;
  return (
    ((ts.isImportDeclaration(parent) || ts.isExportDeclaration(parent)) && parent.moduleSpecifier === node) ||
    (ts.isCallExpression(parent) && parent.expression.kind === ts.SyntaxKind.ImportKeyword)
  );
}

function typescriptFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : typescriptFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Every finding on both sides of the contract, in the working tree. */
export function findContractLiteralsInRepo(): { files: string[]; findings: LiteralFinding[] } {
  const files = CONTRACT_SIDES.flatMap((side) => typescriptFiles(join(ROOT, side))).map((path) =>
    relative(ROOT, path),
  );
  const findings = files.flatMap((file) =>
    findContractLiterals(file, readFileSync(join(ROOT, file), 'utf8')),
  );
  return { files, findings };
}
