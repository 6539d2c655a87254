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
	fs: require('node:fs'),
	fsp: require('node:fs/promises'),
	http: require('node:http'),
	net: require('node:net'),
	os: require('node:os'),
	path: require('node:path'),
	util: require('node:util'),
	env: process.env,
	sleep,
	/** Prints a line of a benchmark or diagnostic to stdout. */
	print: (line) => process.stdout.write(`${line}\n`),
	memoryUsage: () => process.memoryUsage(),
	gc: () => (typeof global.gc === 'function' ? global.gc() : undefined),
};
