// @ts-check
'use strict';

/**
 * Builds and packs the package the way a user receives it (`npm run build`, `npm pack`), but in a
 * private copy of the project, so that:
 * - a build here never empties or rewrites the working tree's `dist/` while another test (or a
 *   developer's `n8n-node dev`) reads it;
 * - each build starts without a TypeScript build-info cache. `n8n-node build` deletes `dist/` and
 *   then runs an incremental `tsc` whose build-info lives in `node_modules/.cache`: when the
 *   sources did not change since that file was written, `tsc` emits nothing and `dist/` stays
 *   empty.
 *
 * The copy holds every project file but `node_modules`, `.git`, `dist` and other build/test
 * outputs (as a clean clone does), so the tarball shows exactly what `npm publish` of a clean
 * clone would ship: what `n8n-node build` puts into dist/ (it copies every *.png / *.svg of the
 * project) filtered by package.json's `files`. Its `node_modules` is a folder of symlinks to the
 * project's entries (not to the folder itself), so that `node_modules/.cache` is the copy's own.
 *
 *   const { packIsolated } = require('../test/support/packed-package');
 *   const packed = await packIsolated(projectDir);
 *   packed.tarball; packed.files; packed.packageDir; packed.cleanup();
 */

const childProcess = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

/** Top-level entries never copied: dependencies, VCS data, build and test outputs. */
const SKIPPED_TOP_LEVEL = new Set(['node_modules', '.git', 'dist', 'coverage', '.tmp']);
/** Relative paths (with `/`) never copied, wherever they are. */
const SKIPPED_PATHS = [/^test\/e2e\/output(\/|$)/, /\.tgz$/, /(^|\/)\.DS_Store$/];

/**
 * @param {string} projectDir
 * @param {string} target
 */
function copyProject(projectDir, target) {
	fs.cpSync(projectDir, target, {
		recursive: true,
		verbatimSymlinks: true,
		filter: (src) => {
			const rel = path.relative(projectDir, src).split(path.sep).join('/');
			if (rel === '') return true;
			if (SKIPPED_TOP_LEVEL.has(rel.split('/')[0])) return false;
			return !SKIPPED_PATHS.some((re) => re.test(rel));
		},
	});
	const modules = path.join(projectDir, 'node_modules');
	const linked = path.join(target, 'node_modules');
	fs.mkdirSync(linked);
	for (const entry of fs.readdirSync(modules)) {
		if (entry === '.cache') continue;
		fs.symlinkSync(path.join(modules, entry), path.join(linked, entry));
	}
}

/**
 * Runs a command, resolving with its output; rejects with the output's tail on a non-zero exit.
 * @param {string} cmd
 * @param {string[]} args
 * @param {string} cwd
 * @returns {Promise<string>} stdout
 */
function run(cmd, args, cwd) {
	/** @type {Record<string, string>} */
	const env = {};
	// npm's own variables (when run under `npm test`) would point npm at the real project.
	for (const [k, v] of Object.entries(process.env))
		if (v !== undefined && !/^npm_/i.test(k)) env[k] = v;
	return new Promise((resolve, reject) => {
		childProcess.execFile(
			cmd,
			args,
			{ cwd, env, maxBuffer: 64 * 1024 * 1024, timeout: 300000 },
			(error, stdout, stderr) => {
				if (error) {
					const tail = `${stdout}\n${stderr}`.split('\n').slice(-40).join('\n');
					reject(new Error(`${cmd} ${args.join(' ')} failed in ${cwd}: ${error.message}\n${tail}`));
				} else resolve(stdout);
			},
		);
	});
}

/**
 * @param {string} tarball
 * @returns {string[]} paths inside the tarball, without the leading `package/`, sorted
 */
function listTarball(tarball) {
	const out = childProcess.execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' });
	return out
		.split('\n')
		.filter((line) => line && !line.endsWith('/'))
		.map((line) => line.replace(/^package\//, ''))
		.sort();
}

/**
 * @param {string} tarball
 * @param {string} dir  created if missing; receives the package's files (no `package/` prefix)
 */
function extractTarball(tarball, dir) {
	fs.mkdirSync(dir, { recursive: true });
	childProcess.execFileSync('tar', ['-xzf', tarball, '-C', dir, '--strip-components=1']);
	return dir;
}

/**
 * @param {string} projectDir
 * @param {{ outDir?: string }} [opts]
 *     outDir: where the .tgz goes (default: a new temp folder)
 * @returns {Promise<{ tarball: string, files: string[], packageDir: string, sourceDir: string,
 *     ms: number, cleanup: () => void }>}
 *     files: paths inside the tarball; packageDir: the tarball extracted; sourceDir: the copy that
 *     was built (its sources and package.json, as the scanner's source leg reads them)
 */
async function packIsolated(projectDir, opts = {}) {
	const started = Date.now();
	const root = fs.mkdtempSync(path.join(os.tmpdir(), 'wappfly-pack-'));
	const cleanup = () => fs.rmSync(root, { recursive: true, force: true });
	try {
		const sourceDir = path.join(root, 'source');
		copyProject(path.resolve(projectDir), sourceDir);
		const outDir = opts.outDir ? path.resolve(opts.outDir) : path.join(root, 'out');
		fs.mkdirSync(outDir, { recursive: true });
		// Exactly what a release does in a clean clone: the project's build script, then npm pack.
		await run('npm', ['run', 'build'], sourceDir);
		const packed = JSON.parse(
			await run(
				'npm',
				['pack', '--json', '--pack-destination', outDir, '--ignore-scripts'],
				sourceDir,
			),
		);
		const tarball = path.join(outDir, packed[0].filename.replace(/^@/, '').replace(/\//, '-'));
		const packageDir = extractTarball(tarball, path.join(root, 'package'));
		return {
			tarball,
			files: listTarball(tarball),
			packageDir,
			sourceDir,
			ms: Date.now() - started,
			cleanup,
		};
	} catch (error) {
		cleanup();
		throw error;
	}
}

module.exports = { packIsolated, listTarball, extractTarball };
