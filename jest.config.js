/** @type {import('jest').Config} */
const tsJest = ['ts-jest', { tsconfig: '<rootDir>/tsconfig.test.json' }];
const base = { testEnvironment: 'node', transform: { '^.+\\.ts$': tsJest } };

/**
 * Three projects (README, "Development and tests"):
 * - node: unit and integration tests (n8n-core harness, contract server): seconds, no network,
 *   no n8n install. `npm run test:unit`.
 * - package: the package as it ships: `npm run build` and `npm run lint` clean, the packed
 *   tarball and the community-package scan, the release workflows. `npm run test:package`.
 * - e2e: real n8n 1.x and 2.x and a headless Chromium. Its global setup installs them into the
 *   e2e cache before the first test starts (never inside a test's time limit). Each e2e file uses
 *   its own n8n user folders, ports and servers, so files run side by side. `npm run test:e2e`.
 *
 * `npm test` runs all three.
 */
module.exports = {
	// Jest's default on 2 cores is a single worker. The e2e files spend most of their time waiting
	// for n8n processes, so two workers overlap them (and the fast projects halve their time).
	maxWorkers: 2,
	projects: [
		{
			displayName: 'node',
			...base,
			testMatch: ['<rootDir>/test/**/*.test.ts'],
			testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/e2e/', '<rootDir>/test/package/'],
			setupFiles: ['<rootDir>/test/harness/environment.js'],
			setupFilesAfterEnv: ['<rootDir>/test/harness/teardown.ts'],
		},
		{
			displayName: 'package',
			...base,
			testMatch: ['<rootDir>/test/package/**/*.test.ts'],
		},
		{
			displayName: 'e2e',
			...base,
			testMatch: ['<rootDir>/test/e2e/**/*.e2e.test.ts'],
			globalSetup: '<rootDir>/test/e2e/global-setup.js',
			globalTeardown: '<rootDir>/test/e2e/global-teardown.js',
		},
	],
};
