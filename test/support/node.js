// @ts-check
/**
 * The Node.js built-ins that tests use. n8n's lint rules (run by `n8n-node lint` over every
 * .ts file, tests included) forbid Node built-ins and globals such as `process` and
 * `setTimeout`, because n8n Cloud runs community *nodes* without them. Tests are not nodes:
 * they reach the built-ins through this one plain-JavaScript module instead.
 */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

module.exports = {
	childProcess: require('node:child_process'),
	crypto: require('node:crypto'),
	fs: require('node:fs'),
	fsp: require('node:fs/promises'),
	http: require('node:http'),
	net: require('node:net'),
	os: require('node:os'),
	path: require('node:path'),
	util: require('node:util'),
	zlib: require('node:zlib'),
	env: process.env,
	/** The project's root folder (where package.json is). */
	projectRoot: require('node:path').resolve(__dirname, '..', '..'),
	sleep,
	/** setTimeout / clearTimeout, for tests that race a deadline. */
	startTimer: (callback, ms) => setTimeout(callback, ms),
	stopTimer: (timer) => clearTimeout(timer),
	/** Runs a script of this repository with the current Node.js binary. */
	spawnNodeScript: (relativePath, args, options) =>
		require('node:child_process').spawn(
			process.execPath,
			[require('node:path').resolve(__dirname, '..', '..', relativePath), ...args],
			options,
		),
	/** Prints a line of a benchmark or diagnostic to stdout. */
	print: (line) => process.stdout.write(`${line}\n`),
	memoryUsage: () => process.memoryUsage(),
	gc: () => (typeof global.gc === 'function' ? global.gc() : undefined),
};
