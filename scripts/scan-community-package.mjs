#!/usr/bin/env node
// @ts-check
/**
 * Runs the checks of `@n8n/scan-community-package` (the scan n8n runs before it verifies a
 * community package) on this package as it would be published, without publishing it:
 *
 *   node scripts/scan-community-package.mjs            # pack the project, scan, exit 1 on findings
 *   node scripts/scan-community-package.mjs --json --source <dir> --package <dir>
 *
 * The scanner's CLI only takes a package published on npm with provenance: it checks the npm
 * provenance attestation, downloads the attested source commit from GitHub and the tarball from
 * npm, then lints both with ESLint (`analyzePackage`). This script runs that same lint, with the
 * scanner's own rules and file patterns, on
 * - the source: the project's package.json and nodes/credentials sources (SOURCE_FILE_PATTERNS);
 * - the tarball: its compiled .js files and package.json (what the CLI lints of the download).
 * The provenance part cannot run before publishing: publish from CI with `npm publish
 * --provenance` (GitHub Actions, `id-token: write`) for it to pass.
 */

import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// eslint-plugin-n8n-nodes-base switches some rules into its own test mode when NODE_ENV is
// 'test' (as under jest): file names are then taken for test fixtures and ~20 false findings
// appear. The plugin reads it when loaded, so clear it before the scanner is imported.
if (process.env.NODE_ENV === 'test') delete process.env.NODE_ENV;
const { analyzePackage, SOURCE_FILE_PATTERNS } = await import(
	'@n8n/scan-community-package/scanner/scanner.mjs'
);

const require = createRequire(import.meta.url);
const projectDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The patterns the scanner's CLI lints the downloaded tarball with. */
export const TARBALL_FILE_PATTERNS = ['**/*.js', 'package.json'];

/**
 * @param {{ sourceDir: string, packageDir: string }} dirs
 * @returns {Promise<{ passed: boolean, legs: Array<{ name: string, dir: string, patterns: string[],
 *     passed: boolean, message?: string, details?: string }> }>}
 */
export async function scan({ sourceDir, packageDir }) {
	const legs = [
		{ name: 'source', dir: sourceDir, patterns: SOURCE_FILE_PATTERNS },
		{ name: 'tarball', dir: packageDir, patterns: TARBALL_FILE_PATTERNS },
	];
	const results = [];
	for (const leg of legs) {
		const result = await analyzePackage(leg.dir, leg.patterns);
		results.push({
			...leg,
			passed: !!result.passed,
			message: result.message,
			details: result.details,
		});
	}
	return { passed: results.every((r) => r.passed), legs: results };
}

async function main() {
	const args = process.argv.slice(2);
	/** @param {string} flag */
	const valueOf = (flag) => {
		const index = args.indexOf(flag);
		return index >= 0 ? args[index + 1] : undefined;
	};
	let sourceDir = valueOf('--source');
	let packageDir = valueOf('--package');
	/** @type {(() => void) | undefined} */
	let cleanup;
	if (!sourceDir || !packageDir) {
		const { packIsolated } = require('../test/support/packed-package.js');
		const packed = await packIsolated(projectDir);
		sourceDir = packed.sourceDir;
		packageDir = packed.packageDir;
		cleanup = packed.cleanup;
	}
	try {
		const result = await scan({ sourceDir, packageDir });
		if (args.includes('--json')) {
			process.stdout.write(`${JSON.stringify(result)}\n`);
		} else {
			for (const leg of result.legs) {
				process.stdout.write(
					`${leg.passed ? 'clean' : 'FINDINGS'}: ${leg.name} (${leg.patterns.join(', ')})\n`,
				);
				if (!leg.passed) process.stdout.write(`${leg.message}\n${leg.details || ''}\n`);
			}
		}
		process.exitCode = result.passed ? 0 : 1;
	} finally {
		if (cleanup) cleanup();
	}
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
	main().catch((error) => {
		process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
		process.exitCode = 2;
	});
}
