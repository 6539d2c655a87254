#!/usr/bin/env node
// @ts-check
'use strict';

/**
 * Regenerates the `.d.ts` files next to the plain-JS helpers of this folder from their JSDoc, so
 * that the TypeScript tests can import them: `node test/e2e/lib/make-types.js`. Run it after
 * changing a helper's API; `--check` fails (exit 1) when a `.d.ts` is out of date.
 */

const childProcess = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const LIB = __dirname;
const ROOT = path.resolve(LIB, '..', '..', '..');
const FILES = [
	'install-n8n.js',
	'n8n-instance.js',
	'examples.js',
	'fake-openai.js',
	'services.js',
	'queue-mode.js',
];
const HEADER =
	'// Generated from the JSDoc of the .js file next to it by make-types.js; do not edit.\n' +
	'/* eslint-disable @typescript-eslint/no-explicit-any */\n';

const out = fs.mkdtempSync(path.join(os.tmpdir(), 'wappfly-types-'));
try {
	childProcess.execFileSync(
		path.join(ROOT, 'node_modules', '.bin', 'tsc'),
		[
			'--allowJs',
			'--declaration',
			'--emitDeclarationOnly',
			'--skipLibCheck',
			'--types',
			'node',
			'--typeRoots',
			path.join(ROOT, 'node_modules', '@types'),
			'--target',
			'es2022',
			'--module',
			'commonjs',
			'--outDir',
			out,
			...FILES.map((f) => path.join(LIB, f)),
		],
		{ stdio: 'inherit' },
	);
	const generated = FILES.map((f) => path.join(out, f.replace(/\.js$/, '.d.ts')));
	for (const file of generated) fs.writeFileSync(file, HEADER + fs.readFileSync(file, 'utf8'));
	childProcess.execFileSync(
		path.join(ROOT, 'node_modules', '.bin', 'prettier'),
		['--config', path.join(ROOT, '.prettierrc.js'), '--write', ...generated],
		{
			cwd: ROOT,
			stdio: 'ignore',
		},
	);
	let stale = 0;
	for (const file of generated) {
		const target = path.join(LIB, path.basename(file));
		const text = fs.readFileSync(file, 'utf8');
		const current = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : '';
		if (text === current) continue;
		stale += 1;
		if (process.argv.includes('--check')) process.stderr.write(`out of date: ${target}\n`);
		else fs.writeFileSync(target, text);
	}
	if (process.argv.includes('--check') && stale) process.exit(1);
} finally {
	fs.rmSync(out, { recursive: true, force: true });
}
