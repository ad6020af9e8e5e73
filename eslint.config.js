// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * A layer that must not import from `forbidden` (folders matched anywhere in a relative import path,
 * e.g. `adapters` or `adapters/local`), nor AWS packages when `aws` is set.
 */
function layer(folder, forbidden, { aws = false, message }) {
  return [
    {
      files: [`${folder}/**/*.ts`],
      rules: {
        'no-restricted-imports': [
          'error',
          {
            patterns: [
              { group: forbidden.map((name) => `**/${name}/**`), message: `${folder}: ${message}` },
              ...(aws
                ? [
                    {
                      group: [
                        '@aws-sdk/*',
                        'aws-cdk-lib',
                        'aws-cdk-lib/*',
                        '@aws-lambda-powertools/*',
                        '@middy/*',
                      ],
                      message: `${folder}: AWS packages live in src/adapters/aws and the entry points.`,
                    },
                  ]
                : []),
            ],
          },
        ],
      },
    },
  ];
}

/** What each module of src/core may import (besides itself), bottom up. */
const CORE_LAYERS = {
  math: [],
  arrays: [],
  config: [],
  ports: [],
  'runtime-contract': [],
  market: ['math', 'config'],
  xml: ['market', 'arrays'],
  trading: ['market'],
  concurrency: ['ports'],
  features: ['market', 'xml', 'arrays', 'math'],
  lake: [
    'features',
    'xml',
    'market',
    'trading',
    'ports',
    'concurrency',
    'arrays',
    'runtime-contract',
    'math',
  ],
  platform: ['lake', 'ports'],
  sim: ['trading', 'market', 'math', 'concurrency', 'arrays'],
  strategy: ['trading', 'features', 'market', 'math', 'arrays', 'config'],
  risk: ['trading', 'market', 'config'],
  report: ['trading', 'market', 'risk', 'arrays', 'math'],
  tune: ['math', 'arrays'],
  research: ['market', 'tune', 'math', 'trading', 'arrays'],
  export: ['trading', 'market'],
  synth: ['market', 'xml', 'math', 'features', 'arrays'],
};
/** Modules that are one file at the core's root rather than a folder. */
const CORE_FILES = new Set(['arrays', 'platform']);

function coreLayer(module, allowed) {
  const forbidden = Object.keys(CORE_LAYERS).filter((m) => m !== module && !allowed.includes(m));
  return {
    files: CORE_FILES.has(module) ? [`src/core/${module}.ts`] : [`src/core/${module}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@aws-sdk/*', 'aws-cdk-lib', 'aws-cdk-lib/*', '@aws-lambda-powertools/*', '@middy/*'],
              message: 'src/core stays free of AWS packages: put this behind a port in src/adapters.',
            },
            {
              group: ['**/adapters/**', '**/cli/**', '**/infra/**', '**/lambdas/**', '**/usecases/**'],
              message: 'src/core must not depend on use cases, entry points or adapters.',
            },
            ...(forbidden.length
              ? [
                  {
                    group: forbidden.map((m) => (CORE_FILES.has(m) ? `**/${m}.ts` : `**/${m}/**`)),
                    message: `src/core/${module} may import only ${allowed.join(', ') || 'nothing else in the core'} (layers in eslint.config.js).`,
                  },
                ]
              : []),
          ],
        },
      ],
    },
  };
}

export default tseslint.config(
  { ignores: ['node_modules/**', 'cdk.out/**', '.quotelab/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: false } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // The engine stays split into parts small enough to read whole (docs/engine.md, issue 13).
    files: ['src/core/sim/**/*.ts'],
    rules: { 'max-lines': ['error', { max: 400 }] },
  },
  // Layer boundaries (docs/architecture.md): each layer imports only what is below it. The core is
  // checked by its own rule below; `npm run lint` also runs madge for import cycles.
  ...layer('src/usecases', ['adapters', 'cli', 'infra', 'lambdas', 'containers', 'local-runner'], {
    aws: true,
    message: 'use cases work on ports: the entry point wires the adapters and hands them in.',
  }),
  ...layer('src/adapters', ['usecases', 'cli', 'infra', 'lambdas', 'containers', 'local-runner'], {
    message: 'an adapter implements a port of the core; it never calls use cases or entry points.',
  }),
  ...layer('infra', ['usecases', 'adapters', 'cli', 'lambdas', 'containers', 'local-runner'], {
    message: 'the CDK app shares only the runtime contract (src/core/runtime-contract) with the runtime.',
  }),
  ...layer('lambdas', ['cli', 'infra', 'containers', 'local-runner', 'adapters/local'], {
    message: 'a Lambda entry point wires AWS adapters to use cases, nothing else.',
  }),
  ...layer('containers', ['cli', 'infra', 'lambdas', 'local-runner', 'adapters/local'], {
    message: 'a container entry point wires AWS adapters to use cases, nothing else.',
  }),
  ...layer('local-runner', ['cli', 'infra', 'lambdas', 'containers', 'adapters/aws'], {
    message: 'the local runner wires local adapters to use cases, nothing else.',
  }),
  ...layer('src/cli', ['infra', 'lambdas', 'containers'], {
    message: 'the CLI runs on the local runner or AWS adapters, never on other entry points.',
  }),
  {
    // A promise nobody awaits in an entry point or a use case is work that fails silently or outlives
    // its caller (a commit after "done", an unhandled rejection in a Lambda). Type-aware, so scoped here.
    files: [
      'src/usecases/**/*.ts',
      'src/cli/**/*.ts',
      'lambdas/**/*.ts',
      'containers/**/*.ts',
      'local-runner/**/*.ts',
    ],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: { '@typescript-eslint/no-floating-promises': 'error' },
  },
  // The core is pure (no cloud SDKs, no infrastructure code, no adapters), and its modules form layers:
  // each imports only the modules listed for it (docs/architecture.md draws them).
  ...Object.entries(CORE_LAYERS).map(([module, allowed]) => coreLayer(module, allowed)),
);
