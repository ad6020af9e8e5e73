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
  {
    // The core is pure: no cloud SDKs, no infrastructure code, no adapters.
    files: ['src/core/**/*.ts'],
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
              group: ['**/adapters/**', '**/cli/**', '**/infra/**', '**/lambdas/**'],
              message: 'src/core must not depend on entry points or adapters.',
            },
          ],
        },
      ],
    },
  },
);
