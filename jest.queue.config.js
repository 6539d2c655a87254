/**
 * `npm run test:queue`: n8n in queue mode with a real PostgreSQL and Redis (test/queue/*.spec.ts).
 * Not part of `npm test` (jest.config.js), because it needs those two servers from the machine's
 * packages; CI runs it after `npm test`.
 * @type {import('jest').Config}
 */
module.exports = {
	displayName: 'queue',
	testEnvironment: 'node',
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.test.json' }] },
	testMatch: ['<rootDir>/test/queue/**/*.spec.ts'],
	// A built dist/package.json would otherwise collide with the project's name in jest's module map.
	modulePathIgnorePatterns: ['<rootDir>/dist/'],
};
